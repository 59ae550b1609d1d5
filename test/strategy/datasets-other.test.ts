/** Every objective on Taobao and Amazon Fashion: plans without NaN. */
import { test } from 'node:test';
import { sharedData } from '../helpers/paths.js';
import { plansFor } from './datasets.js';

test('Taobao UserBehavior prefix: every objective runs', async () => {
  const p = await plansFor([sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao');
  await p.store.close();
});

test('Amazon Fashion reviews: every objective runs', async () => {
  const p = await plansFor([sharedData('amazon_fashion', 'AMAZON_FASHION_5.jsonl')], 'amazon_fashion');
  await p.store.close();
});
