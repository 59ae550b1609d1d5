/** Exit codes (STYLE.md): 0 ok, 1 failed, 2 bad usage or bad input. */
import type { ZodError } from 'zod';

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

/**
 * The errors that mean bad usage or bad input (exit 2), by name: matching by name rather than by
 * class keeps this module free of the modules that define them (domain/mapping's MappingError,
 * ingest/reader's SourceError, models' InvalidArgumentsError, zod), so a command loads only what it runs.
 */
const BAD_INPUT_ERRORS: ReadonlySet<string> = new Set(['UsageError', 'MappingError', 'SourceError', 'ZodError', 'InvalidArgumentsError']);

const isZodError = (e: unknown): e is ZodError => e instanceof Error && e.name === 'ZodError' && Array.isArray((e as { issues?: unknown }).issues);

export function exitCodeFor(e: unknown): number {
  if (e instanceof Error && BAD_INPUT_ERRORS.has(e.name)) return EXIT_USAGE;
  return EXIT_FAILED;
}

export function messageFor(e: unknown): string {
  if (isZodError(e)) return zodSummary(e);
  return e instanceof Error ? e.message : String(e);
}

/** How many issues of a zod failure are listed; the rest are counted (one bad value repeated over 10,436 periods made an 887 KB message). */
export const ZOD_ISSUES_SHOWN = 5;

/** The first few issues (path: message, the message cut to one short line) and how many more there are. */
export function zodSummary(e: ZodError): string {
  const line = (i: ZodError['issues'][number]) => {
    const msg = i.message.split('\n')[0];
    return `${i.path.length ? i.path.join('.') : '(input)'}: ${msg.length > 200 ? `${msg.slice(0, 200)}…` : msg}`;
  };
  const shown = e.issues.slice(0, ZOD_ISSUES_SHOWN).map(line);
  const more = e.issues.length - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${more.toLocaleString('en-US')} more invalid value${more === 1 ? '' : 's'} (${e.issues.length.toLocaleString('en-US')} in all)`] : [])].join('\n');
}
