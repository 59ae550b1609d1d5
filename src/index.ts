/**
 * Spiral's public API: a hand-written export list (STYLE.md). Everything not listed here is internal.
 *
 *   import { openDuckDb, ingestFiles, parseMapping, analyze, renderReport } from 'spiral';
 */

// The contract: canonical events, mappings, the analysis result
export { EVENT_TYPES, FLOW_TYPES, EVENT_FIELDS, CanonicalEventSchema, type CanonicalEvent, type EventType } from './domain/events.js';
export { MappingSchema, parseMapping, MappingError, type Mapping, type FieldSpec } from './domain/mapping.js';
export { AnalysisResultSchema, SCHEMA_VERSION, type AnalysisResult, type Overview, type Warning } from './domain/result.js';

// The store
export type { Store, Row } from './store/types.js';
export { StoreError } from './store/types.js';
export { DuckDbStore, openDuckDb, type DuckDbOptions } from './store/duckdb/index.js';

// Ingest
export { ingestFiles, type IngestOptions, type IngestReport, type FileReport } from './ingest/ingest.js';
export { SourceError } from './ingest/reader.js';

// The pipeline and its front ends
export { analyze, SPIRAL_VERSION, type AnalyzeOptions } from './analysis/analyze.js';
export { renderReport, type RenderReportOptions } from './report/index.js';

// Simulator with ground truth
export { simulate, DEFAULT_SIMULATION, type SimulateOptions, type SimulationSummary, type SimulationTruth } from './simulate/index.js';

// Customer lifetime value: models on compressed tuples, SQL statistics, scoring
export { fitBgnbd, bgnbdPAlive, bgnbdExpectedPurchases, bgnbdExpectedPurchasesNew, bgnbdLogLikelihood } from './models/clv/bgnbd.js';
export { fitPnbd, pnbdPAlive, pnbdExpectedPurchases, pnbdExpectedPurchasesNew, pnbdDert, pnbdLogLikelihood } from './models/clv/pnbd.js';
export { fitMbgnbd, mbgnbdPAlive, mbgnbdExpectedPurchases, mbgnbdExpectedPurchasesNew } from './models/clv/mbgnbd.js';
export { fitBgbb, bgbbPAlive, bgbbExpectedPurchases, bgbbExpectedPurchasesNew, bgbbDert } from './models/clv/bgbb.js';
export { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaMeanSpend } from './models/clv/gammagamma.js';
export { rfmModel, discountedPurchases, customerLifetimeValue, customerEquity, scoreRfmTuples } from './models/clv/clv.js';
export type {
  RfmTuples, DiscreteTuples, SpendTuples, BgnbdParams, PnbdParams, MbgnbdParams, BgbbParams, GammaGammaParams, FitOptions,
} from './models/clv/types.js';
export { fitFromStore, scoreStore, type ClvFitReport } from './clv/pipeline.js';
export { ConvergenceError, DegenerateDataError, InvalidArgumentsError } from './models/numeric/errors.js';
export { createRng, type Rng } from './models/numeric/random.js';

// Brand flow and stock, social listening
export { analyzeBrand, BRAND_DEFAULTS, type BrandOptions } from './brand/index.js';
export { fitAdstock, brandMomentum } from './models/stockflow/index.js';
export { fitVar } from './models/var/index.js';
export { fitBass } from './models/diffusion/index.js';
export { fitPreorders } from './models/cocreation/index.js';
export { scoreSentiment, analyzeListening, type SentimentMethod, type SentimentScore } from './listening/index.js';

// The customer network
export { analyzeNetwork, loadEdges, pagerank, coreNumbers, communities, homophily, referralCascades, referralValue } from './network/index.js';
export type { NetworkResult, AnalyzeNetworkOptions } from './network/index.js';

// Every customer's next action: customer table, behaviours, segments, experiences, actions
export { runSegmentsStep, runSegmentsWithClv, type SegmentsStepOptions, type SegmentsStepResult } from './analysis/segments.js';
export { customerProfile, type CustomerProfile } from './analysis/customer.js';
export { buildCustomerFacts, CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE } from './segments/facts.js';
export { BEHAVIOURS, BEHAVIOUR_RULES, scoreBehaviours } from './segments/behaviours.js';
export { segmentCustomers, SEGMENTS_TABLE } from './segments/segments.js';
export { parseRuleSet, compileCondition, evaluateRules, RuleError, type RuleSet, type Condition } from './segments/rules.js';
export { assignExperiences, EXPERIENCES, type Experience } from './experiences/assign.js';
export { buildActions, ACTIONS_TABLE, ACTION_COLUMNS } from './experiences/actions.js';
export { RECOMMENDATIONS_TABLE, REPLENISHMENT_TABLE } from './experiences/contracts.js';
export { kmeans, chooseK, silhouette, kmeansBic } from './models/cluster/kmeans.js';
export { adjustedRandIndex, spearman } from './models/cluster/agreement.js';

// Experiments and the strategy generator
export { twoProportionDesign, meansDesign, compareArms, compareArmsCuped, cupedTheta, sampleRatioMismatch, type ArmMoments, type Design } from './models/stats/index.js';
export { readoutExperiment, buildReadout, UnknownExperimentError, type ReadoutOptions } from './strategy/experiments/readout.js';
export { listExperiments } from './strategy/experiments/queries.js';
export { designForSegment, NoSegmentsError } from './strategy/experiments/design.js';
export type { ExperimentReadout, ExperimentsSection } from './domain/sections/experiments.js';
export { buildPlan, readSegments } from './strategy/generate.js';
export { planFromStore } from './analysis/strategy.js';
export { renderPlanMarkdown, renderPlanHtml } from './report/plan.js';
export { OBJECTIVES, STRATEGIES, StrategyPlanSchema, type StrategyPlan, type ObjectiveName } from './strategy/plan.js';
// The strategy section of the analysis result (issue 11)
export { StrategySectionSchema, type StrategySection } from './domain/sections/strategy.js';
export { runStrategySection } from './analysis/strategy.js';
export { resolveSegment, listSegments } from './strategy/experiments/design.js';

// The library surface (issue 12 item 6): analysis options per step, the errors the calls above throw, the service
export type { BrandSectionOptions } from './analysis/brand.js';
export type { NetworkSectionOptions } from './analysis/network.js';
export type { FunnelSectionOptions } from './analysis/funnel.js';
export type { ExperimentsSectionOptions } from './analysis/experiments.js';
export { CustomerNotFoundError } from './analysis/customer.js';
export { ClvInputError } from './clv/errors.js';
export { GraphStructureError } from './network/errors.js';
export { startServer, createApp, ServerContext, KeyStore, ApiError, type ServeOptions, type RunningServer, type ServerOptions, type Role } from './server/index.js';
