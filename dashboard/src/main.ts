/**
 * The Spiral dashboard: one page, hash routing (#/overview, #/clv, …, #/customer/<id>), data only
 * from the HTTP API with the key the user signed in with. `main[data-page]` names the page shown and
 * gets `data-ready` once its data is drawn (or its error is shown).
 */
import './style.css';
import { ApiError, clearSession, forgetAnalysis, getJson, loadSession, saveSession, type Session } from './api.js';
import { disposeCharts, drawCharts, h } from './ui.js';
import { withAnalysis } from './pages/no-analysis.js';
import { OVERVIEW_FIELDS, overviewPage } from './pages/overview.js';
import { clvPage } from './pages/clv.js';
import { brandPage } from './pages/brand.js';
import { networkPage } from './pages/network.js';
import { funnelPage } from './pages/funnel.js';
import { segmentsPage } from './pages/segments.js';
import { actionsPage } from './pages/actions.js';
import { customerPage, searchPage } from './pages/customer.js';

type Page = (s: Session, arg: string) => Promise<HTMLElement>;

const PAGES: { id: string; label: string; page: Page }[] = [
  { id: 'overview', label: 'Overview', page: withAnalysis(overviewPage, OVERVIEW_FIELDS) },
  { id: 'clv', label: 'CLV', page: withAnalysis(clvPage) },
  { id: 'brand', label: 'Brand flow & stock', page: withAnalysis(brandPage) },
  { id: 'network', label: 'Network', page: withAnalysis(networkPage) },
  { id: 'funnel', label: 'Funnel', page: withAnalysis(funnelPage) },
  { id: 'segments', label: 'Segments', page: segmentsPage },
  { id: 'actions', label: 'Experiences & actions', page: actionsPage },
  { id: 'customers', label: 'Customers', page: searchPage },
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const who = document.getElementById('who')!;

let generation = 0;

async function route(): Promise<void> {
  const gen = ++generation;
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const arg = rest.map((p) => decodeURIComponent(p)).join('/');
  const session = loadSession();
  disposeCharts();
  if (!session || name === 'signin') return show('signin', signInPage(), gen);
  const id = name === 'customer' ? 'customer' : PAGES.some((p) => p.id === name) ? name : 'overview';
  renderChrome(session, id === 'customer' ? 'customers' : id);
  main.dataset.page = id;
  delete main.dataset.ready;
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  let el: HTMLElement;
  try {
    el = id === 'customer' ? await customerPage(session, arg) : await PAGES.find((p) => p.id === id)!.page(session, arg);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      clearSession();
      return show('signin', signInPage(`Signed out: ${e.message}`), gen);
    }
    el = h('div', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : `Something went wrong: ${(e as Error).message}`);
  }
  show(id, el, gen);
}

function show(id: string, el: HTMLElement, gen: number): void {
  if (gen !== generation) return; // a newer navigation won
  if (id === 'signin') {
    nav.replaceChildren();
    who.replaceChildren();
  }
  main.dataset.page = id;
  main.replaceChildren(el);
  drawCharts();
  main.dataset.ready = '';
}

function renderChrome(s: Session, current: string): void {
  nav.replaceChildren(...PAGES.map((p) => h('a', { href: `#/${p.id}`, class: p.id === current ? 'current' : undefined, 'data-nav': p.id }, p.label)));
  who.replaceChildren(
    h('span', { class: 'ws', title: 'workspace' }, s.workspace),
    h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => { clearSession(); go('#/signin'); } }, 'Sign out'),
  );
}

function signInPage(message?: string): HTMLElement {
  const ws = h('input', { id: 'workspace', name: 'workspace', required: true, autocomplete: 'username', pattern: '[a-z0-9][a-z0-9_\\-]{0,62}', placeholder: 'acme' }) as HTMLInputElement;
  const key = h('input', { id: 'key', name: 'key', type: 'password', required: true, autocomplete: 'current-password', placeholder: 'spk_…' }) as HTMLInputElement;
  const status = h('p', { class: 'error', id: 'signin-error', role: 'alert', hidden: message === undefined }, message ?? '');
  const form = h(
    'form',
    { class: 'card signin', id: 'signin' },
    h('h1', {}, 'Sign in to Spiral'),
    h('label', {}, 'Workspace', ws),
    h('label', {}, 'Read key', key),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
    h('p', { class: 'note' }, 'Create a read key with `spiral keys create --data-dir <dir> --workspace <name> --role read`. The key stays in this tab (sessionStorage) and is sent only to this server.'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const s: Session = { workspace: ws.value.trim(), key: key.value.trim() };
    status.hidden = true;
    // Checks the key against the API before keeping it: 401 = not a key, 403 = another workspace or a write key.
    getJson(s, '/v1/segments')
      .catch((err: unknown) => {
        if (err instanceof ApiError && (err.status === 409 || err.status === 404)) return null; // nothing computed yet: the key is fine
        throw err;
      })
      .then(async () => {
        saveSession(s);
        forgetAnalysis();
        go('#/overview');
      })
      .catch((err: unknown) => {
        status.textContent = err instanceof ApiError ? err.message : String(err);
        status.hidden = false;
      });
  });
  return form;
}

/** Navigates to `hash` (re-rendering when it is already the current one). */
export function go(hash: string): void {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

window.addEventListener('hashchange', () => void route());
void route();
