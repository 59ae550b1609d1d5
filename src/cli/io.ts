/** Output for the CLI: human lines on stderr/stdout, or one JSON document as the last line of stdout. */
import { createRequire } from 'node:module';

/**
 * cli-progress is loaded when a bar is drawn (on a terminal, without --json), not by every command:
 * 15 ms of CPU that a piped or --json run never needs.
 */
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

export interface Output {
  json: boolean;
  /** A line for people (suppressed with --json). */
  info(line: string): void;
  /** A warning about the data: on stderr even with --json (stdout keeps the one JSON line). */
  warn(line: string): void;
  /** The command's result: JSON on stdout with --json, else a human summary. */
  result(payload: unknown, human: string): void;
  progress(label: string, total: number): Progress;
}

export interface Progress {
  update(done: number, note?: string): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

export function makeOutput(json: boolean): Output {
  const interactive = !json && Boolean(process.stderr.isTTY) && !process.env.CI;
  return {
    json,
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
    warn(line) {
      process.stderr.write(`${line}\n`);
    },
    result(payload, human) {
      if (json) process.stdout.write(`${JSON.stringify(payload)}\n`);
      else process.stdout.write(`${human}\n`);
    },
    progress(label, total) {
      if (!interactive) return NO_PROGRESS;
      const cliProgress = loadCliProgress();
      const bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} {note}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { note: '' });
      return {
        update: (done, note = '') => bar.update(done, { note }),
        stop: () => bar.stop(),
      };
    },
  };
}

/**
 * A count with thousands separators, as `n.toLocaleString('en-US')` writes it. Whole numbers are
 * grouped here: the first toLocaleString of a process loads ICU's number formatting, 15 ms of CPU
 * (and up to 80 ms of wall time on a busy machine) that a command spent on one line of output.
 */
export function fmtInt(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}
