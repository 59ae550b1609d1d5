/** Every objective on the Ciao trust network (follows only): plans without NaN, each missing number with its reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedData } from '../helpers/paths.js';
import { plansFor } from './datasets.js';

test('Ciao trust (follows only): every objective runs; no purchases, so attrition says why', async () => {
  const trust = await plansFor([sharedData('ciao', 'ciao_trust.csv')], 'ciao_trust');
  try {
    assert.match(trust.plans.get('reduce-attrition')!.objective.kpi.reason!, /no CLV/);
  } finally {
    await trust.store.close();
  }
});
