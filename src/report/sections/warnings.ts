/** Data problems the analysis met, grouped by the section that raised them. Absent when there are none. */
import type { AnalysisResult } from '../../domain/result.js';
import { html } from '../html.js';
import type { ReportSection } from '../section.js';

export function warningsSection(result: AnalysisResult): ReportSection | null {
  if (result.warnings.length === 0) return null;
  const bySection = new Map<string, string[]>();
  for (const w of result.warnings) {
    const list = bySection.get(w.section) ?? [];
    list.push(w.message);
    bySection.set(w.section, list);
  }
  return {
    id: 'warnings',
    title: 'Warnings',
    html: html`<p class="caption">Problems met while analysing the data. Numbers they touch are shown as the analysis computed them; read them with these in mind.</p>
<ul class="warnings">
${[...bySection].map(([section, messages]) => messages.map((m) => html`<li><span class="warning-section">${section}</span> ${m}</li>\n`))}</ul>`,
    charts: [],
  };
}
