/** Experiences and actions: customers per experience (analysis) and every customer's next action, paged from GET /v1/actions. */
import { ApiError, analysis, getJson, type ActionsPage, type Row, type Session } from '../api.js';
import { customerLink, formatAmount, formatDate, h, kpis, note, num, section, table } from '../ui.js';
import { noAnalysis } from './no-analysis.js';

const PAGE = 25;

export async function actionsPage(s: Session, arg: string): Promise<HTMLElement> {
  // #/actions/<experience>/<offset>
  const [experience = '', offsetText = '0'] = arg.split('/');
  const offset = Math.max(0, Number.parseInt(offsetText, 10) || 0);
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (experience) q.set('experience', experience);
  let page: ActionsPage;
  try {
    page = await getJson<ActionsPage>(s, `/v1/actions?${q}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) return h('div', {}, h('h1', {}, 'Experiences and actions'), note(e.message), noAnalysis(s));
    throw e;
  }
  const ex = (await analysis(s))?.experiences ?? null;
  const names = ex?.byExperience.map((b) => b.experience) ?? [];
  const select = h('select', { id: 'experience-filter', 'aria-label': 'experience' }, h('option', { value: '' }, 'all experiences'), ...names.map((n) => h('option', { value: n, selected: n === experience }, n))) as HTMLSelectElement;
  select.addEventListener('change', () => (location.hash = `#/actions/${encodeURIComponent(select.value)}/0`));
  const link = (o: number, text: string, enabled: boolean) =>
    enabled ? h('a', { href: `#/actions/${encodeURIComponent(experience)}/${o}`, class: 'pager' }, text) : h('span', { class: 'pager disabled' }, text);
  const cols = ['customer_id', 'segment', 'experience', 'action', 'due', 'expected_value'];
  const el = h(
    'div',
    {},
    h('h1', {}, 'Experiences and actions'),
    ex
      ? kpis(ex.byExperience.map((b) => ({ id: `experience-${b.experience}`, label: b.experience, value: b.customers, note: b.expectedValue == null ? undefined : `expected value ${formatAmount(b.expectedValue)}` })))
      : null,
    section(
      'Next action per customer',
      h('div', { class: 'toolbar' }, select, h('span', { id: 'actions-range', 'data-total': page.total }, page.total === 0 ? 'no customers' : `${num(offset + 1)}–${num(offset + page.actions.length)} of ${num(page.total)}`), link(Math.max(0, offset - PAGE), '← previous', offset > 0), link(offset + PAGE, 'next →', page.next !== null)),
      table(page.actions, cols.map((c) => ({
        label: c.replace(/_/g, ' '),
        numeric: c === 'expected_value',
        cell: (r: Row) => (c === 'customer_id' ? customerLink(String(r[c])) : c === 'expected_value' ? (typeof r[c] === 'number' ? formatAmount(r[c] as number) : num(null)) : r[c] == null ? num(null) : c === 'due' ? formatDate(String(r[c])) : String(r[c])),
      })), { id: 'actions-table' }),
    ),
    ex ? section('Rules', h('ul', {}, ...ex.rules.map((r) => h('li', {}, r)))) : null,
  );
  return el;
}
