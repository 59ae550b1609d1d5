/** The package version, read without loading the analysis pipeline (so the service starts fast). */
export { SPIRAL_VERSION as SERVER_VERSION } from '../version.js';
