/**
 * The experiments section of the analysis: every experiment found in the log (exposure events
 * with props.experiment and props.variant) read out with the default window, control and an equal
 * planned split; a flagged sample ratio mismatch or a readout that could not compare is a warning.
 */
import type { Warning } from '../domain/result.js';
import { ExperimentsSectionSchema, type ExperimentsSection } from '../domain/sections/experiments.js';
import { listExperiments } from '../strategy/experiments/queries.js';
import { READOUT_DEFAULTS, readoutExperiment } from '../strategy/experiments/readout.js';
import type { Store } from '../store/types.js';

export interface ExperimentsSectionOptions {
  onProgress?: (step: string) => void;
  windowDays?: number;
}

/** The experiments section, or undefined when the log has no experiment exposures. */
export async function runExperimentsSection(store: Store, opts: ExperimentsSectionOptions, warnings: Warning[]): Promise<ExperimentsSection | undefined> {
  const found = await listExperiments(store);
  if (found.length === 0) return undefined;
  opts.onProgress?.('experiments');
  const windowDays = opts.windowDays ?? READOUT_DEFAULTS.windowDays;
  const readouts = [];
  for (const e of found) {
    const r = await readoutExperiment(store, e.experiment, { windowDays, found });
    if (r.srm.flagged) warnings.push({ section: 'experiments', message: `${r.experiment}: sample ratio mismatch (p = ${r.srm.pValue?.toExponential(2)}); its lift may be biased` });
    if (r.status !== 'ok' && r.message) warnings.push({ section: 'experiments', message: `${r.experiment}: ${r.message}` });
    readouts.push(r);
  }
  return ExperimentsSectionSchema.parse({ windowDays, found, readouts });
}
