/** Exit codes (STYLE.md): 0 ok, 1 failed, 2 bad usage or bad input. */
import { ZodError } from 'zod';
import { MappingError } from '../domain/mapping.js';
import { SourceError } from '../ingest/reader.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A problem with what the user asked for: bad flags, a missing file, an invalid config. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The run completed but a stated threshold was crossed (e.g. --max-reject-rate). */
export class ThresholdError extends Error {
  constructor(message: string, readonly payload?: unknown) {
    super(message);
    this.name = 'ThresholdError';
  }
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError || e instanceof MappingError || e instanceof SourceError || e instanceof ZodError) return EXIT_USAGE;
  if (e instanceof Error && e.name === 'InvalidArgumentsError') return EXIT_USAGE;
  return EXIT_FAILED;
}

export function messageFor(e: unknown): string {
  if (e instanceof ZodError) {
    return e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('\n');
  }
  return e instanceof Error ? e.message : String(e);
}
