/**
 * Louvain on a worker thread, so community detection (the slowest graph step at 1M nodes / 5M
 * edges) runs beside PageRank, reach and homophily on the main thread instead of after them. The
 * undirected CSR arrays are transferred, not copied: the caller must not use them afterwards.
 *
 * From source (tests, bench under tsx) the worker is the .ts file and tsx is registered inside it
 * first; from the compiled package it is the .js file next to this one.
 */
import { Worker } from 'node:worker_threads';
import type { Csr } from './csr.js';
import { ConvergenceError, InvalidArgumentsError } from './errors.js';
import type { CommunityResult, LouvainOptions } from './louvain.js';

export interface LouvainJob {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  options: Partial<Omit<LouvainOptions, 'rng'>>;
  seed: number;
}

export type LouvainReply =
  | { ok: true; result: CommunityResult }
  | { ok: false; name: string; message: string; iterations: number; residual: number };

function owned<T extends Int32Array | Float64Array>(a: T): T {
  // A view into a larger buffer cannot be transferred alone; copy it.
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

function spawn(job: LouvainJob, transfer: ArrayBuffer[]): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './louvain-worker.ts' : './louvain-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData: job, transferList: transfer });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: job, transferList: transfer });
}

/** `communities(und, options with createRng(seed))`, computed on a worker thread. */
export function communitiesInWorker(und: Csr, options: Partial<Omit<LouvainOptions, 'rng'>>, seed: number): Promise<CommunityResult> {
  const job: LouvainJob = {
    n: und.n,
    offsets: owned(und.offsets),
    targets: owned(und.targets),
    weights: owned(und.weights),
    options,
    seed,
  };
  const transfer = [job.offsets.buffer, job.targets.buffer, job.weights.buffer] as ArrayBuffer[];
  return new Promise((resolve, reject) => {
    const worker = spawn(job, transfer);
    let settled = false;
    worker.once('message', (reply: LouvainReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve(reply.result);
      else if (reply.name === 'ConvergenceError') reject(new ConvergenceError(reply.message, reply.iterations, reply.residual));
      else if (reply.name === 'InvalidArgumentsError') reject(new InvalidArgumentsError(reply.message));
      else reject(new Error(`${reply.name}: ${reply.message}`));
    });
    worker.once('error', (e) => {
      if (!settled) reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`louvain worker exited with code ${code} before answering`));
    });
  });
}
