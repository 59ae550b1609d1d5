export { fitPreorders, PREORDER_DEFAULTS } from './preorders.js';
export type { PreorderInput, PreorderOptions, PreorderResult, PreorderStatus, LaunchedIdea, OpenIdea, IdeaForecast } from './preorders.js';
export { simulateIdeas } from './simulate.js';
export type { VoteOrderParameters } from './simulate.js';
