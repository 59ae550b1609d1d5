/** Issue #15 on a simulated log with dropout probability 0.001 per purchase (see no-dropout.ts). */
import { test } from 'node:test';
import { checkNoDropoutLog, NO_DROPOUT_CUSTOMERS } from './no-dropout.js';

test(`no-dropout ridge, dropout 0.001 per purchase (${NO_DROPOUT_CUSTOMERS} simulated customers): every model fits with finite predictions or is set aside with a reason, auto's holdout prediction within 10%, no null/NaN P(alive) or CLV`, async () => {
  await checkNoDropoutLog(0.001, 71, true);
});
