/** Pages that need the latest analysis; when the workspace has none yet, say so and offer to run one (admin key). */
import { ApiError, analysis, analysisFields, getJson, postJson, type AnalysisResult, type Job, type Session } from '../api.js';
import { h, note } from '../ui.js';

export type AnalysisPage = (s: Session, result: AnalysisResult, arg: string) => HTMLElement | Promise<HTMLElement>;

/** @param fields when given, the page reads only these fields of the result (see `analysisFields`). */
export function withAnalysis(page: AnalysisPage, fields?: string): (s: Session, arg: string) => Promise<HTMLElement> {
  return async (s, arg) => {
    const result = fields === undefined ? await analysis(s) : await analysisFields(s, fields);
    return result === null ? noAnalysis(s) : page(s, result, arg);
  };
}

const POLL_MS = 1000;

export function noAnalysis(s: Session): HTMLElement {
  const status = h('p', { class: 'job', id: 'job-status', role: 'status' });
  const button = h('button', { type: 'button', id: 'run-analysis' }, 'Run an analysis now') as HTMLButtonElement;
  button.addEventListener('click', () => {
    button.disabled = true;
    status.className = 'job';
    status.textContent = 'Starting…';
    void runAnalysis(s, status).finally(() => (button.disabled = false));
  });
  return h(
    'section',
    { class: 'card empty', id: 'no-analysis' },
    h('h2', {}, 'No analysis yet'),
    note(`Workspace ${s.workspace} has no analysis yet, so there is nothing to show here. An admin key can run one now (it takes a while on a large store); or run \`spiral analyze\` on the workspace's store while the service is stopped.`),
    button,
    status,
  );
}

async function runAnalysis(s: Session, status: HTMLElement): Promise<void> {
  try {
    let job = await postJson<Job>(s, '/v1/analysis');
    while (job.status === 'running') {
      status.textContent = `Running${job.step ? `: ${job.step}` : ''} (${job.stepsDone.length} step${job.stepsDone.length === 1 ? '' : 's'} done)…`;
      await new Promise((r) => setTimeout(r, POLL_MS));
      job = await getJson<Job>(s, `/v1/jobs/${encodeURIComponent(job.id)}`);
    }
    if (job.status === 'failed') throw new Error(`the analysis failed: ${job.error ?? 'no reason given'}`);
    status.textContent = 'Done.';
    await analysis(s, true);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } catch (e) {
    status.className = 'job error';
    status.textContent = e instanceof ApiError && e.status === 403
      ? `${e.message}. Sign in with an admin key to run an analysis.`
      : (e as Error).message;
  }
}
