/**
 * Writes EventBlocks as canonical-schema CSV rows (header = the canonical field names without
 * `props`), numbering events in file order and counting them by type.
 */
import { EVENT_TYPES, type EventType } from '../../domain/events.js';
import { CHANNELS, NONE, type EventBlock } from '../event-block.js';
import { ascii, ChunkedFileWriter, COMMA, csvField, NEWLINE } from './csv.js';
import { TimestampFormatter } from './timestamps.js';

export const CSV_FIELDS = [
  'event_id', 'customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id', 'channel', 'rating', 'text',
] as const;

/** The columns an experiment run adds (examples/mappings/simulated-experiment.json keeps them as props). */
export const EXPERIMENT_CSV_FIELDS = ['experiment', 'variant'] as const;

export interface ExperimentColumns {
  id: string;
  variants: readonly string[];
}

const LOWER_C = 0x63;
const LOWER_E = 0x65;
const LOWER_I = 0x69;

/** Ids: customers c00001… (zero-padded to the number of people), items i001…, events e1, e2, … */
export interface IdFormat {
  customerWidth: number;
  itemWidth: number;
  customer(person: number): string;
  item(item: number): string;
}

export function idFormat(people: number, items: number): IdFormat {
  const customerWidth = String(people).length;
  const itemWidth = String(items).length;
  return {
    customerWidth,
    itemWidth,
    customer: (n) => `c${String(n + 1).padStart(customerWidth, '0')}`,
    item: (k) => `i${String(k + 1).padStart(itemWidth, '0')}`,
  };
}

/** A decimal counter kept as ASCII digits, so writing the next event id costs no division. */
class DecimalCounter {
  readonly digits = new Uint8Array(20).fill(0x30);
  /** Index of the most significant digit. */
  start = 20;

  increment(): void {
    const d = this.digits;
    let i = d.length - 1;
    while (i >= 0 && d[i] === 0x39) d[i--] = 0x30;
    d[i]++;
    if (i < this.start) this.start = i;
  }
}

export class EventCsvWriter {
  events = 0;
  private readonly counts: number[] = EVENT_TYPES.map(() => 0);
  private readonly typeBytes: Uint8Array[] = EVENT_TYPES.map((t) => ascii(t));
  private readonly channelBytes: Uint8Array[] = CHANNELS.map((c) => ascii(csvField(c)));
  private readonly texts: Uint8Array[];
  private readonly maxRow: number;
  private readonly eventId = new DecimalCounter();
  /** `,<experiment id>,` then each variant's name: the two extra columns of an experiment run. */
  private readonly experimentBytes: Uint8Array | null;
  private readonly variantBytes: Uint8Array[];

  private constructor(
    private readonly file: ChunkedFileWriter,
    private readonly ts: TimestampFormatter,
    private readonly ids: IdFormat,
    texts: readonly string[],
    experiment: ExperimentColumns | null,
  ) {
    this.texts = texts.map((t) => ascii(csvField(t)));
    this.experimentBytes = experiment ? ascii(`,${csvField(experiment.id)},`) : null;
    this.variantBytes = experiment ? experiment.variants.map((v) => ascii(csvField(v))) : [];
    const longestText = this.texts.reduce((m, t) => Math.max(m, t.length), 0);
    // event id, two customer ids, item, timestamp, type, amount, quantity, channel, rating, commas
    const longestExperiment = (this.experimentBytes?.length ?? 0) + this.variantBytes.reduce((m, v) => Math.max(m, v.length), 0) + 2;
    this.maxRow = 20 + 2 * (ids.customerWidth + 1) + ids.itemWidth + 1 + TimestampFormatter.BYTES + 16 + 40 + 64 + 4 + longestText + 16 + longestExperiment;
  }

  /** With `experiment`, two more columns (experiment, variant) are written, filled on the experiment's exposures. */
  static async create(path: string, ts: TimestampFormatter, ids: IdFormat, texts: readonly string[], experiment: ExperimentColumns | null = null): Promise<EventCsvWriter> {
    const w = new EventCsvWriter(await ChunkedFileWriter.create(path), ts, ids, texts, experiment);
    w.file.text(`${CSV_FIELDS.join(',')}${experiment ? `,${EXPERIMENT_CSV_FIELDS.join(',')}` : ''}\n`);
    return w;
  }

  /** Events written, by type. */
  get countsByType(): Record<EventType, number> {
    return Object.fromEntries(EVENT_TYPES.map((t, i) => [t, this.counts[i]])) as Record<EventType, number>;
  }

  write(block: EventBlock): void {
    const order = block.sorted();
    const counts = this.counts;
    const f = this.file;
    const cw = this.ids.customerWidth;
    const iw = this.ids.itemWidth;
    f.reserve(this.maxRow * order.length);
    const id = this.eventId;
    for (let j = 0; j < order.length; j++) {
      const i = order[j];
      const type = block.type[i];
      counts[type]++;
      this.events++;
      f.byte(LOWER_E);
      id.increment();
      f.slice(id.digits, id.start, id.digits.length - id.start);
      f.byte(COMMA);
      f.byte(LOWER_C);
      f.padded(block.owner[i] + 1, cw);
      f.byte(COMMA);
      this.ts.write(f, block.ts[i]);
      f.byte(COMMA);
      f.bytes(this.typeBytes[type]);
      f.byte(COMMA);
      const item = block.item[i];
      if (item !== NONE) {
        f.byte(LOWER_I);
        f.padded(item + 1, iw);
      }
      f.byte(COMMA);
      const amount = block.amount[i];
      if (!Number.isNaN(amount)) f.cents(Math.round(amount * 100));
      f.byte(COMMA);
      const quantity = block.quantity[i];
      if (quantity !== NONE) f.uint(quantity);
      f.byte(COMMA);
      const peer = block.peer[i];
      if (peer !== NONE) {
        f.byte(LOWER_C);
        f.padded(peer + 1, cw);
      }
      f.byte(COMMA);
      const channel = block.channel[i];
      if (channel !== NONE) f.bytes(this.channelBytes[channel]);
      f.byte(COMMA);
      const rating = block.rating[i];
      if (rating !== NONE) f.uint(rating);
      f.byte(COMMA);
      const text = block.text[i];
      if (text !== NONE) f.bytes(this.texts[text]);
      if (this.experimentBytes !== null) {
        const variant = block.variant[i];
        if (variant !== NONE) {
          f.bytes(this.experimentBytes);
          f.bytes(this.variantBytes[variant]);
        } else {
          f.byte(COMMA);
          f.byte(COMMA);
        }
      }
      f.byte(NEWLINE);
    }
  }

  get pending(): boolean {
    return this.file.pending;
  }

  drain(): Promise<void> {
    return this.file.drain();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
