/** Funnel: customers reaching each stage, conversion between stages, peer vs firm touches and their attribution. */
import { horizontalBarChart } from '../../../src/report/charts.js';
import type { AnalysisResult, Session } from '../api.js';
import { chart, h, kpis, note, num, pct, section, table } from '../ui.js';

export function funnelPage(_s: Session, r: AnalysisResult): HTMLElement {
  const f = r.funnel;
  if (!f) return h('div', {}, h('h1', {}, 'Funnel'), note('The latest analysis has no funnel section.', 'error'));
  const all = f.conversions.filter((c) => c.segment === 'all');
  const a = f.attribution;
  return h(
    'div',
    {},
    h('h1', {}, 'Funnel'),
    f.status === 'ok' ? null : note(f.message ?? f.status, 'error'),
    kpis([
      { id: 'customers', label: 'Customers', value: f.customers },
      ...f.stages.map((s) => ({ id: `stage-${s.stage}`, label: `Reached ${s.stage}`, value: s.reached })),
      { id: 'peer-rr', label: 'Peer touch risk ratio', value: f.peerEffect?.riskRatio ?? null, text: f.peerEffect?.riskRatio == null ? undefined : num(f.peerEffect.riskRatio, 2), note: f.peerEffect?.lower == null ? undefined : `95% ${num(f.peerEffect.lower, 2)}–${num(f.peerEffect.upper, 2)}` },
      { id: 'firm-rr', label: 'Firm touch risk ratio', value: f.firmEffect?.riskRatio ?? null, text: f.firmEffect?.riskRatio == null ? undefined : num(f.firmEffect.riskRatio, 2) },
    ]),
    section('Customers by stage', chart('funnel-stages', horizontalBarChart(f.stages.map((s) => ({ label: s.stage, value: s.reached })), 'customers'), 40 + 30 * f.stages.length)),
    section(
      'Stage to stage (all customers)',
      table(all, [
        { label: 'From', cell: (c) => c.from },
        { label: 'To', cell: (c) => c.to },
        { label: 'Reached', cell: (c) => num(c.reached), numeric: true },
        { label: 'Converted', cell: (c) => num(c.converted), numeric: true },
        { label: 'Rate', cell: (c) => pct(c.rate) ?? num(null), numeric: true },
        { label: 'Median days', cell: (c) => num(c.medianDays, 1), numeric: true },
      ], { id: 'conversions' }),
      note(`Lookback ${num(f.lookbackDays, 0)} days.`),
    ),
    a
      ? section(
          `Attribution of ${num(a.conversions)} conversions (${a.target})`,
          table([
            { model: 'last touch', ...a.lastTouchShares },
            { model: 'Shapley', ...a.shapley },
            { model: 'Markov', ...a.markov },
          ], [
            { label: 'Model', cell: (x) => x.model },
            { label: 'Peer', cell: (x) => pct(x.peer) ?? num(null), numeric: true },
            { label: 'Firm', cell: (x) => pct(x.firm) ?? num(null), numeric: true },
            { label: 'None', cell: (x) => pct(x.none) ?? num(null), numeric: true },
          ], { id: 'attribution' }),
          f.touches ? note(f.touches.definition) : null,
        )
      : null,
    section('Definitions', h('dl', { class: 'formulas' }, ...f.definitions.flatMap((d) => [h('dt', {}, d.name), h('dd', {}, d.text)]))),
  );
}
