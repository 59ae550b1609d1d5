/**
 * ISO 8601 UTC timestamps (YYYY-MM-DDTHH:MM:SSZ) for whole seconds since a midnight-UTC start,
 * without a Date per event: an 11-byte prefix per day and a shared table of the 86,400 times of
 * day, as strings and as bytes.
 */
import { ascii } from './csv.js';

const TOD_BYTES = 9; // HH:MM:SSZ
const DAY_BYTES = 11; // YYYY-MM-DDT
let todTable: Uint8Array | null = null;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function timeOfDayTable(): Uint8Array {
  if (todTable) return todTable;
  const t = new Uint8Array(86_400 * TOD_BYTES);
  for (let s = 0; s < 86_400; s++) {
    t.set(ascii(`${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}Z`), s * TOD_BYTES);
  }
  todTable = t;
  return t;
}

export interface ByteSink {
  slice(b: Uint8Array, from: number, len: number): void;
}

export class TimestampFormatter {
  static readonly BYTES = DAY_BYTES + TOD_BYTES;
  private readonly days: Uint8Array;
  private readonly dayStrings: string[] = [];
  private readonly tod: Uint8Array;

  /** `startMs`: epoch ms of a midnight UTC; `days`: how many days from there may be formatted. */
  constructor(readonly startMs: number, private readonly nDays: number) {
    this.days = new Uint8Array(nDays * DAY_BYTES);
    for (let d = 0; d < nDays; d++) {
      this.dayStrings[d] = new Date(startMs + d * 86_400_000).toISOString().slice(0, DAY_BYTES);
      this.days.set(ascii(this.dayStrings[d]), d * DAY_BYTES);
    }
    this.tod = timeOfDayTable();
  }

  /** Writes the timestamp of `sec` seconds since the start (a fraction is dropped). */
  write(sink: ByteSink, sec: number): void {
    const s = Math.floor(sec);
    const day = Math.floor(s / 86_400);
    if (!(day >= 0 && day < this.nDays)) throw new RangeError(`simulate: time ${sec}s is outside the window`);
    sink.slice(this.days, day * DAY_BYTES, DAY_BYTES);
    sink.slice(this.tod, (s - day * 86_400) * TOD_BYTES, TOD_BYTES);
  }

  /** The timestamp as a string (for the truth files). */
  format(sec: number): string {
    const s = Math.floor(sec);
    const day = Math.floor(s / 86_400);
    if (!(day >= 0 && day < this.nDays)) throw new RangeError(`simulate: time ${sec}s is outside the window`);
    const t = s - day * 86_400;
    return `${this.dayStrings[day]}${pad2(Math.floor(t / 3600))}:${pad2(Math.floor(t / 60) % 60)}:${pad2(t % 60)}Z`;
  }
}
