/** Background jobs (analyses) with their progress, kept in memory for the life of the service. */
import { randomUUID } from 'node:crypto';

export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  workspace: string;
  kind: 'analysis';
  status: JobStatus;
  /** The step running now (or the last one). */
  step: string | null;
  stepsDone: string[];
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<Promise<void>>();

  /** The job running for the workspace now, if any. */
  private runningFor(workspace: string): Job | undefined {
    return [...this.jobs.values()].find((j) => j.workspace === workspace && j.status === 'running');
  }

  /** Whether a job runs for the workspace now. */
  isRunning(workspace: string): boolean {
    return this.runningFor(workspace) !== undefined;
  }

  /** Starts `work` unless a job of this kind already runs for the workspace (then returns that one). */
  start(workspace: string, work: (progress: (step: string) => void) => Promise<void>): { job: Job; started: boolean } {
    const current = this.runningFor(workspace);
    if (current) return { job: current, started: false };
    const job: Job = {
      id: randomUUID(), workspace, kind: 'analysis', status: 'running', step: null, stepsDone: [],
      startedAt: new Date().toISOString(), finishedAt: null, error: null,
    };
    this.jobs.set(job.id, job);
    const progress = (step: string) => {
      if (job.step) job.stepsDone.push(job.step);
      job.step = step;
    };
    const p = work(progress).then(
      () => {
        if (job.step) job.stepsDone.push(job.step);
        job.step = null;
        job.status = 'succeeded';
      },
      (e: unknown) => {
        job.status = 'failed';
        job.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
      },
    ).finally(() => {
      job.finishedAt = new Date().toISOString();
      this.running.delete(p);
    });
    this.running.add(p);
    return { job, started: true };
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  async waitAll(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
