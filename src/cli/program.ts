/**
 * The `spiral` command: argument parsing, progress and exit codes; the work is in analysis/, ingest/, …
 */
import { Command, CommanderError } from 'commander';
import { SPIRAL_VERSION } from '../analysis/analyze.js';
import { EXIT_OK, EXIT_USAGE, ThresholdError, exitCodeFor, messageFor, EXIT_FAILED } from './errors.js';
import { makeOutput } from './io.js';
import { registerIngest } from './commands/ingest.js';
import { registerSimulate } from './commands/simulate.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerDemo } from './commands/demo.js';
import { registerClv } from './commands/clv.js';
import { registerBrand } from './commands/brand.js';
import { registerFunnel } from './commands/funnel.js';
import { registerNetwork } from './commands/network.js';
import { registerSegments } from './commands/segments.js';
import { registerActions } from './commands/actions.js';
import { registerCustomer } from './commands/customer.js';
import { registerRecommend } from './commands/recommend.js';
import { registerReplenish } from './commands/replenish.js';
import { registerExperiment } from './commands/experiment.js';
import { registerStrategy } from './commands/strategy.js';
import { registerServe } from './commands/serve.js';
import { registerKeys } from './commands/keys.js';
import { registerOverview } from './commands/overview.js';
import { setCurrentCommand } from './store.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('spiral')
    .description('Customer-network analytics for brands: event log → store → CLV, brand, network → report')
    .version(SPIRAL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerIngest(program, makeOutput);
  registerSimulate(program, makeOutput);
  registerAnalyze(program, makeOutput);
  registerDemo(program, makeOutput);
  // Idea commands (clv, brand, network, funnel): one register line each, from ./commands/<name>.js.
  registerClv(program, makeOutput);
  registerBrand(program, makeOutput);
  registerNetwork(program, makeOutput);
  registerFunnel(program, makeOutput);
  registerSegments(program, makeOutput);
  registerActions(program, makeOutput);
  registerCustomer(program, makeOutput);
  registerRecommend(program, makeOutput);
  registerReplenish(program, makeOutput);
  registerExperiment(program, makeOutput);
  registerStrategy(program, makeOutput);
  registerServe(program, makeOutput);
  registerKeys(program, makeOutput);
  registerOverview(program, makeOutput);
  // which command runs, for the "not yet available on <engine>" errors of cli/store.ts
  program.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    setCurrentCommand(names.join(' '));
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
