/**
 * Worker-thread entry for Louvain (see louvain-parallel.ts): runs `communities` on the transferred
 * CSR arrays with a seeded Rng built here (an Rng object cannot cross threads; the seed can).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '../models/numeric/random.js';
import { communities } from './louvain.js';
import type { LouvainJob, LouvainReply } from './louvain-parallel.js';

const job = workerData as LouvainJob;
let reply: LouvainReply;
try {
  const r = communities(
    { n: job.n, offsets: job.offsets, targets: job.targets, weights: job.weights },
    { ...job.options, rng: createRng(job.seed) },
  );
  reply = { ok: true, result: r };
} catch (e) {
  const err = e as Error & { iterations?: number; residual?: number };
  reply = { ok: false, name: err.name, message: err.message, iterations: err.iterations ?? 0, residual: err.residual ?? 0 };
}
parentPort!.postMessage(reply, reply.ok ? ([reply.result.community.buffer, reply.result.sizes.buffer] as ArrayBuffer[]) : []);
