/**
 * Runs the `spiral` CLI in this process (src/cli/program.ts `main`), capturing what it writes:
 * the same argument parsing, checks and exit codes as the command, without a 2-8 s child start.
 * For runs that fail before the work or finish quickly; a crash or a kill needs a child process.
 */
import { main } from '../../src/cli/program.js';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function spiralMain(args: string[]): Promise<MainRun> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  // The CLI writes strings; the test runner's own reports (binary, on stdout) pass through.
  const capture = (into: string[], original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      typeof chunk === 'string' ? into.push(chunk) > 0 : (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest)) as typeof process.stdout.write;
  process.stdout.write = capture(out, write.stdout, process.stdout);
  process.stderr.write = capture(err, write.stderr, process.stderr);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
  }
}
