/** Customer search (by id) and one customer's profile from GET /v1/customers/{id}. */
import { ApiError, getJson, type Profile, type Row, type Session } from '../api.js';
import { fieldTable, formatAmount, formatDate, h, kpis, note, num, section, table } from '../ui.js';

export function searchForm(current = ''): HTMLElement {
  const input = h('input', { id: 'customer-search', type: 'search', name: 'customer', value: current, required: true, placeholder: 'customer id, e.g. c00042', 'aria-label': 'customer id' }) as HTMLInputElement;
  const form = h('form', { class: 'toolbar search', id: 'customer-search-form' }, input, h('button', { type: 'submit' }, 'Open profile'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = input.value.trim();
    if (id) location.hash = `#/customer/${encodeURIComponent(id)}`;
  });
  return form;
}

export async function searchPage(): Promise<HTMLElement> {
  return h('div', {}, h('h1', {}, 'Customers'), section('Find a customer', searchForm(), note('Type a customer id as it is in the store (the id your events carry as userId or customer_id). Customer ids in the other pages link here too.')));
}

export async function customerPage(s: Session, id: string): Promise<HTMLElement> {
  let p: Profile;
  try {
    p = await getJson<Profile>(s, `/v1/customers/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return h('div', {}, h('h1', {}, 'Customers'), searchForm(id), h('p', { class: 'error', id: 'customer-not-found', role: 'alert' }, e.message));
    }
    throw e;
  }
  const f = p.facts;
  const clv = p.clv ?? {};
  const money = (v: unknown) => (typeof v === 'number' ? formatAmount(v) : undefined);
  return h(
    'div',
    { 'data-customer-id': p.customerId },
    searchForm(p.customerId),
    h('h1', {}, `Customer ${p.customerId}`),
    kpis([
      { id: 'events', label: 'Events', value: f.events },
      { id: 'purchases', label: 'Purchases', value: f.purchases, note: `on ${num(f.purchaseDays)} days` },
      { id: 'revenue', label: 'Revenue', value: f.revenue, text: money(f.revenue) },
      { id: 'first-seen', label: 'First seen', value: f.firstSeen, text: f.firstSeen ? formatDate(f.firstSeen) : undefined },
      { id: 'last-seen', label: 'Last seen', value: f.lastSeen, text: f.lastSeen ? formatDate(f.lastSeen) : undefined },
      { id: 'peers', label: 'Peers', value: f.peers },
      { id: 'p-alive', label: 'P(alive)', value: typeof clv.p_alive === 'number' ? clv.p_alive : null, text: typeof clv.p_alive === 'number' ? num(clv.p_alive, 3) : undefined },
      { id: 'clv', label: 'CLV', value: typeof clv.clv === 'number' ? clv.clv : null, text: money(clv.clv) },
    ]),
    p.needsAnalysis.length > 0 ? section('Not computed yet', h('ul', { id: 'needs-analysis' }, ...p.needsAnalysis.map((n) => h('li', {}, `${n.field}: ${n.reason}`)))) : null,
    section('Events by type', table(Object.entries(f.eventsByType), [
      { label: 'Type', cell: ([t]) => t },
      { label: 'Events', cell: ([, n]) => num(n), numeric: true },
    ], { id: 'customer-events' })),
    h(
      'div',
      { class: 'two' },
      p.clv ? section('CLV', fieldTable(p.clv, { id: 'customer-clv' })) : null,
      p.network ? section('Network', fieldTable(p.network, { id: 'customer-network' })) : null,
      p.segment ? section('Segment', fieldTable(p.segment, { id: 'customer-segment' })) : null,
      p.customerFacts ? section('Facts', fieldTable(p.customerFacts, { id: 'customer-facts' })) : null,
      p.behaviours ? section('Behaviours', fieldTable(p.behaviours, { id: 'customer-behaviours' })) : null,
      p.experience ? section('Experience', fieldTable(p.experience, { id: 'customer-experience' })) : null,
      p.nextAction ? section('Next action', fieldTable(p.nextAction, { id: 'customer-next-action' })) : null,
    ),
    rows('Recommendations', p.recommendations, 'customer-recommendations'),
    rows('Replenishment', p.replenishment, 'customer-replenishment'),
  );
}

function rows(title: string, list: Row[] | null, id: string): HTMLElement | null {
  if (!list || list.length === 0) return null;
  const cols = Object.keys(list[0]).filter((c) => c !== 'customer_id');
  return section(title, table(list, cols.map((c) => ({ label: c.replace(/_/g, ' '), cell: (r: Row) => (r[c] == null ? num(null) : typeof r[c] === 'number' ? num(r[c], 3) : String(r[c])), numeric: typeof list[0][c] === 'number' })), { id }));
}
