/** Every objective on the Twitter airline mentions: plans without NaN. */
import { test } from 'node:test';
import { sharedData } from '../helpers/paths.js';
import { plansFor } from './datasets.js';

test('Twitter airline mentions: every objective runs', async () => {
  const p = await plansFor([sharedData('twitter_airline', 'Tweets.csv')], 'twitter_airline');
  await p.store.close();
});
