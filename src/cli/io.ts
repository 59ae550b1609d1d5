/** Output for the CLI: human lines on stderr/stdout, or one JSON document as the last line of stdout. */
import cliProgress from 'cli-progress';

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

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
