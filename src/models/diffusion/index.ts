export { fitBass, bassCdf, bassAdoptions, imitationShare, BASS_DEFAULTS } from './bass.js';
export type { BassInput, BassOptions, BassResult, BassStatus, BassEstimate, DerivedEstimate } from './bass.js';
export { simulateBass } from './simulate.js';
