/**
 * The `spiral` command: argument parsing, progress and exit codes; the work is in analysis/, ingest/, …
 */
import { createRequire } from 'node:module';
import { SPIRAL_VERSION } from '../version.js';
import { EXIT_OK, EXIT_USAGE, ThresholdError, exitCodeFor, messageFor, EXIT_FAILED } from './errors.js';
import { makeOutput, type Output } from './io.js';
import { setCurrentCommand } from './current-command.js';
import { keepFreedMemory } from '../store/duckdb/allocator.js';

// commander is CommonJS: required, Node skips the export lexer an ES import runs over it (about 4 ms
// of CPU and 20 ms of wall time on a busy machine, on every command).
const { Command, CommanderError } = createRequire(import.meta.url)('commander') as typeof import('commander');
type Command = import('commander').Command;

type Register = (program: Command, makeOutput: (json: boolean) => Output) => void;

/**
 * Every command, in the order `spiral --help` lists them, with the module that registers it. A
 * command's module is imported only when it runs (or when the help lists them all), so
 * `spiral clv fit --summary …` does not load the analysis pipeline, the server or the simulator:
 * module loading was about 0.6 s of every command's start-up.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  // analyze.js registers `analyze` and `report`: see commandOf.
  ['ingest', async () => (await import('./commands/ingest.js')).registerIngest],
  ['simulate', async () => (await import('./commands/simulate.js')).registerSimulate],
  ['analyze', async () => (await import('./commands/analyze.js')).registerAnalyze],
  ['demo', async () => (await import('./commands/demo.js')).registerDemo],
  // Idea commands (clv, brand, network, funnel, …): one line each, from ./commands/<name>.js.
  ['clv', async () => (await import('./commands/clv.js')).registerClv],
  ['brand', async () => (await import('./commands/brand.js')).registerBrand],
  ['network', async () => (await import('./commands/network.js')).registerNetwork],
  ['funnel', async () => (await import('./commands/funnel.js')).registerFunnel],
  ['segments', async () => (await import('./commands/segments.js')).registerSegments],
  ['actions', async () => (await import('./commands/actions.js')).registerActions],
  ['customer', async () => (await import('./commands/customer.js')).registerCustomer],
  ['recommend', async () => (await import('./commands/recommend.js')).registerRecommend],
  ['replenish', async () => (await import('./commands/replenish.js')).registerReplenish],
  ['experiment', async () => (await import('./commands/experiment.js')).registerExperiment],
  ['strategy', async () => (await import('./commands/strategy.js')).registerStrategy],
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['keys', async () => (await import('./commands/keys.js')).registerKeys],
  ['overview', async () => (await import('./commands/overview.js')).registerOverview],
];

/**
 * The commands that run the next-action step alone: DuckDB keeps the memory it frees for reuse (fewer page
 * faults; src/store/duckdb/allocator.ts), which `analyze` and the service cannot afford within 2 GiB.
 */
const KEEP_FREED_MEMORY: ReadonlySet<string> = new Set(['segments', 'actions', 'customer']);

/** The command a command line runs: its first word when that names a command, else null (help, version, a typo). */
function commandOf(argv: readonly string[]): string | null {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'report') return 'analyze';
  return first !== undefined && COMMANDS.some(([name]) => name === first) ? first : null;
}

/**
 * The `spiral` program. With `argv`, only the command it names is registered (the others are not
 * even loaded); without, or when it names no command, all of them — so `--help` and the error for
 * an unknown command list every command.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('spiral')
    .description('Customer-network analytics for brands: event log → store → CLV, brand, network → report')
    .version(SPIRAL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const only = argv === undefined ? null : commandOf(argv);
  const versionOnly = argv !== undefined && argv.length > 0 && argv.every((a) => a === '--version' || a === '-V');
  const wanted = versionOnly ? [] : COMMANDS.filter(([name]) => only === null || name === only);
  // before the command's module loads DuckDB: jemalloc reads its configuration once, at load
  if (only !== null && KEEP_FREED_MEMORY.has(only)) keepFreedMemory();
  const registers = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registers) register(program, makeOutput);
  // which command runs, for the "not yet available on <engine>" errors of cli/store.ts
  program.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    setCurrentCommand(names.join(' '));
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      // commander has already printed its message
      return EXIT_USAGE;
    }
    const code = e instanceof ThresholdError ? EXIT_FAILED : exitCodeFor(e);
    const message = messageFor(e);
    // A threshold error comes after the run printed its own JSON summary, which stays the last line.
    if (json && !(e instanceof ThresholdError)) process.stdout.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
    process.stderr.write(`spiral: ${message}\n`);
    if (process.env.SPIRAL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return code;
  }
}
