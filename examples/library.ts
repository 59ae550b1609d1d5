// Ingest a CSV event log, analyse it, and read one customer's profile, from TypeScript.
// Run: node --import tsx examples/library.ts <events.csv> <mapping.json> <store.duckdb> [customer id]
import { readFileSync } from 'node:fs';
import {
  analyze, customerProfile, CustomerNotFoundError, ingestFiles, openDuckDb, parseMapping, renderReport,
  type AnalysisResult, type AnalyzeOptions, type CustomerProfile,
} from 'spiral';

const [csv, mappingFile, db, customer] = process.argv.slice(2);
const store = await openDuckDb(db);
try {
  // The same mapping files as `spiral ingest --mapping` (see examples/mappings/).
  const mapping = parseMapping(JSON.parse(readFileSync(mappingFile, 'utf8')), mappingFile);
  const ingest = await ingestFiles(store, [csv], mapping, { rejectFile: `${db}.rejects.csv` });
  console.log(`accepted ${ingest.accepted}, rejected ${ingest.rejected}, duplicates ${ingest.duplicates}`);

  // Every option of `spiral analyze`, plus each step's own options (each step's DEFAULTS fill the rest).
  const options: AnalyzeOptions = {
    now: () => new Date('2026-01-01T00:00:00Z'),
    onProgress: (step) => console.error(`analysing: ${step}`),
    topActions: 10,
  };
  const result: AnalysisResult = await analyze(store, options);
  console.log(`${result.overview.customers} customers, ${result.segments?.segments.length ?? 0} segments`);
  const html: string = renderReport(result, { title: 'My brand' });
  console.log(`report: ${html.length} bytes`);

  // One customer's profile: facts, behaviours, segment, CLV and P(alive), network, next action.
  // The store is plain SQL too: here, the first customer id when none was given.
  const id = customer ?? (await store.query<{ id: string }>('SELECT min(customer_id) AS id FROM events'))[0].id;
  try {
    const profile: CustomerProfile = await customerProfile(store, id);
    console.log(JSON.stringify({ customer: id, segment: profile.segment.name, pAlive: profile.clv.pAlive, action: profile.action }));
  } catch (e) {
    if (e instanceof CustomerNotFoundError) console.error(e.message);
    else throw e;
  }
} finally {
  await store.close();
}
