/** The package version, read without loading the analysis pipeline (so the CLI and the service start fast). */
import { createRequire } from 'node:module';

export const SPIRAL_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
