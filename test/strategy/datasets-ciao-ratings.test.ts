/** Every objective on the Ciao ratings (reviews): plans without NaN. */
import { test } from 'node:test';
import { sharedData } from '../helpers/paths.js';
import { plansFor } from './datasets.js';

test('Ciao ratings (reviews): every objective runs', async () => {
  const p = await plansFor([sharedData('ciao', 'ciao_ratings.csv.gz')], 'ciao_ratings');
  await p.store.close();
});
