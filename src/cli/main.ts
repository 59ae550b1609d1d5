#!/usr/bin/env node
import { main } from './program.js';
import { exitWhenOrphanedUnderNpx } from './orphan.js';

exitWhenOrphanedUnderNpx();
process.exitCode = await main(process.argv.slice(2));
