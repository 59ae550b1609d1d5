/**
 * Whole-process measurements for the benches: a command's wall time and peak RSS as the user would
 * see them (startup, module loading and exit included). Peak RSS comes from GNU time
 * (`/usr/bin/time -f`, Debian package `time`) when present, else from the child's own report: the
 * spiral CLI is run through bench/_rss-wrapper.ts, which prints process.resourceUsage().maxRSS on exit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GNU_TIME = '/usr/bin/time';

export interface ProcessMeasure {
  seconds: number;
  /** User + system CPU time of the process and its threads (GNU time); NaN without GNU time. */
  cpuSeconds: number;
  maxRssBytes: number;
  /** How peak RSS was read. */
  rssSource: 'GNU time' | 'resourceUsage';
  stdout: string;
  stderr: string;
}

export const loadAverage = (): string => loadavg().map((v) => v.toFixed(1)).join(' / ');

/** Runs argv[0] with argv[1..] to completion; throws with its stderr when it fails. */
export function measureProcess(argv: string[], env: NodeJS.ProcessEnv = process.env, label = argv.join(' '), timeoutMs?: number): ProcessMeasure {
  const useTime = existsSync(GNU_TIME);
  const rssFile = join(tmpdir(), `spiral-bench-rss-${process.pid}-${Date.now()}.txt`);
  const timed = useTime ? [GNU_TIME, '-f', '%M %U %S', '-o', rssFile, ...argv] : argv;
  // coreutils' timeout signals the step's whole process group (GNU time does not pass a signal on to its child)
  const cmd = timeoutMs === undefined ? timed : ['timeout', '-s', 'TERM', `${Math.ceil(timeoutMs / 1000)}s`, ...timed];
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env, maxBuffer: 1 << 28, cwd: ROOT });
  const seconds = (performance.now() - t0) / 1000;
  let maxRssBytes = NaN, cpuSeconds = NaN;
  if (useTime && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [rssKiB, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    maxRssBytes = rssKiB * 1024;
    cpuSeconds = user + sys;
    rmSync(rssFile, { force: true });
  }
  if (timeoutMs !== undefined && r.status === 124) throw new Error(`bench: ${label} stopped after ${+(timeoutMs / 60_000).toFixed(1)} min (the bench's limit for one step)`);
  if (r.status !== 0) throw new Error(`bench: ${label} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`);
  if (!useTime) {
    const m = /spiral-bench-max-rss (\d+)/.exec(r.stderr);
    maxRssBytes = m ? Number(m[1]) : NaN;
  }
  return { seconds, cpuSeconds, maxRssBytes, rssSource: useTime ? 'GNU time' : 'resourceUsage', stdout: r.stdout, stderr: r.stderr };
}

let built = false;

/**
 * argv prefix for the `spiral` command as users run it (node dist/cli/main.js), built once per bench
 * run from the current sources so the measured process loads compiled JavaScript, not tsx.
 */
export function spiralCli(): string[] {
  if (!built) {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`bench: building dist/ failed: ${r.stdout}${r.stderr}`);
    built = true;
  }
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  return existsSync(GNU_TIME) ? [process.execPath, main] : [process.execPath, '--import', join(ROOT, 'bench', '_rss-wrapper.mjs'), main];
}

export const fileMiB = (path: string): number => statSync(path).size / 2 ** 20;
export const mib = (b: number): string => (Number.isFinite(b) ? (b / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 0 }) : 'n/a');
export const secs = (s: number, d = 2): string => s.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

export interface StepMeasure {
  step: string;
  seconds: number;
  /** Largest resident set sampled while the step ran (every 50 ms). */
  maxRssBytes: number;
  /** The process's peak RSS so far when the step ended (VmHWM). */
  peakSoFarBytes: number;
}

export interface SteppedMeasure extends ProcessMeasure {
  steps: StepMeasure[];
}

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function childPid(pid: number): number | null {
  try {
    const c = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return c.length ? c[0] : null;
  } catch {
    return null;
  }
}

/**
 * As measureProcess, and splits the run into steps: each stderr line matching `stepLine` (its first
 * group names the step) starts one, and the RSS of the process is sampled from /proc every 50 ms,
 * so the step that drives the peak is named. Linux only (falls back to no steps elsewhere).
 */
export async function measureProcessSteps(argv: string[], env: NodeJS.ProcessEnv, stepLine: RegExp, label = argv.join(' ')): Promise<SteppedMeasure> {
  const { spawn } = await import('node:child_process');
  const useTime = existsSync(GNU_TIME);
  const rssFile = join(tmpdir(), `spiral-bench-rss-${process.pid}-${Date.now()}.txt`);
  const cmd = useTime ? [GNU_TIME, '-f', '%M %U %S', '-o', rssFile, ...argv] : argv;
  const t0 = performance.now();
  const child = spawn(cmd[0], cmd.slice(1), { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', pending = '';
  const steps: StepMeasure[] = [];
  let current: { step: string; start: number; maxRss: number } = { step: 'startup', start: t0, maxRss: 0 };
  let target: number | null = useTime ? null : child.pid ?? null;
  let lastHwm = 0;
  const closeStep = (now: number): void => {
    steps.push({ step: current.step, seconds: (now - current.start) / 1000, maxRssBytes: current.maxRss, peakSoFarBytes: lastHwm });
  };
  const sample = (): void => {
    if (target === null && child.pid) target = childPid(child.pid);
    if (target === null) return;
    const rss = procStatusBytes(target, 'VmRSS');
    const hwm = procStatusBytes(target, 'VmHWM');
    if (Number.isFinite(rss)) current.maxRss = Math.max(current.maxRss, rss);
    if (Number.isFinite(hwm)) lastHwm = hwm;
  };
  const timer = setInterval(sample, 50);
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const m = stepLine.exec(line);
      if (!m) continue;
      sample();
      const now = performance.now();
      closeStep(now);
      current = { step: m[1], start: now, maxRss: 0 };
    }
  });
  const code: number | null = await new Promise((res) => child.on('close', (c) => res(c)));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  closeStep(performance.now());
  let maxRssBytes = lastHwm, cpuSeconds = NaN;
  if (useTime && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [rssKiB, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    maxRssBytes = rssKiB * 1024;
    cpuSeconds = user + sys;
    rmSync(rssFile, { force: true });
  }
  if (code !== 0) {
    // name the step it failed in and the error's own line (DuckDB's advice after it is the same for every error)
    const errLines = stderr.trim().split('\n');
    const err = errLines.find((l) => /^spiral: /.test(l)) ?? errLines.slice(-5).join(' | ');
    const failed = steps.length ? steps[steps.length - 1] : null;
    const before = steps.slice(0, -1).map((x) => `${x.step} ${secs(x.seconds, 1)} s`).join(', ');
    throw new Error(`bench: ${label} failed (exit ${code})${failed ? ` in step "${failed.step}" after ${secs(failed.seconds, 1)} s` : ''}: ${err}${before ? ` [steps before it: ${before}]` : ''}`);
  }
  // The last step's peak: what the whole process reached (the final samples may miss the last 50 ms).
  if (steps.length) steps[steps.length - 1].peakSoFarBytes = Math.max(steps[steps.length - 1].peakSoFarBytes, maxRssBytes);
  return { seconds, cpuSeconds, maxRssBytes, rssSource: useTime ? 'GNU time' : 'resourceUsage', stdout, stderr, steps };
}

/** What a process spent since `u0` (a process.resourceUsage() taken before): user + system CPU µs, system CPU µs, minor page faults. */
export function usageSince(u0: NodeJS.ResourceUsage): { cpuUs: number; sysUs: number; faults: number } {
  const u1 = process.resourceUsage();
  return { cpuUs: u1.userCPUTime + u1.systemCPUTime - u0.userCPUTime - u0.systemCPUTime, sysUs: u1.systemCPUTime - u0.systemCPUTime, faults: u1.minorPageFault - u0.minorPageFault };
}

/**
 * The machine's cost of a page fault, a floor under every step that allocates: `mibs` MiB this process has never
 * used, touched one byte per 4 KiB page, as CPU µs (user + system) per minor fault. On a virtual machine it varies
 * from day to day (2026-12-07: ~12 µs, where bare metal takes ~0.5–1), and DuckDB takes a fault for every page its
 * allocator hands back to the system and then reuses.
 */
export function pageFaultCost(mibs = 256): { usPerFault: number; faults: number } {
  const u0 = process.resourceUsage();
  const b = Buffer.allocUnsafeSlow(mibs * 2 ** 20);
  for (let i = 0; i < b.length; i += 4096) b[i] = 1;
  const { cpuUs, faults } = usageSince(u0);
  return { usPerFault: faults > 0 ? cpuUs / faults : NaN, faults };
}
