/**
 * The events of one person (plus the referral that brought them in), gathered so they can be
 * written in time order. Struct-of-arrays of numbers, reused across persons: nothing per event
 * outlives the person, so 10M events never sit in memory.
 */
import { EVENT_TYPES, type EventType } from '../domain/events.js';

export const NONE = -1;

/** Event types as small integers (index in EVENT_TYPES): `T.view`. */
export const T = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])) as Readonly<Record<EventType, number>>;

/** The channels the simulator writes, as small integers: `CH.web`. */
export const CHANNELS = ['web', 'app', 'email', 'ad', 'social'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CH = Object.fromEntries(CHANNELS.map((c, i) => [c, i])) as Readonly<Record<Channel, number>>;

export class EventBlock {
  length = 0;
  /** Person number of the event's customer (ids are derived from it). */
  readonly owner: number[] = [];
  /** Seconds since the window start (integer). */
  readonly ts: number[] = [];
  /** Index in EVENT_TYPES. */
  readonly type: number[] = [];
  /** Item index or NONE. */
  readonly item: number[] = [];
  /** Amount or NaN. */
  readonly amount: number[] = [];
  /** Quantity or NONE. */
  readonly quantity: number[] = [];
  /** Person number of the peer or NONE. */
  readonly peer: number[] = [];
  /** Index in CHANNELS or NONE. */
  readonly channel: number[] = [];
  /** Rating 1..5 or NONE. */
  readonly rating: number[] = [];
  /** Index into the review texts or NONE. */
  readonly text: number[] = [];
  /** Index of the experiment variant an exposure assigns (props.variant), or NONE. */
  readonly variant: number[] = [];
  private order: number[] = [];

  clear(): void {
    this.length = 0;
  }

  add(owner: number, ts: number, type: number, channel: number, item = NONE, peer = NONE): number {
    const i = this.length++;
    this.owner[i] = owner;
    this.ts[i] = ts;
    this.type[i] = type;
    this.item[i] = item;
    this.amount[i] = NaN;
    this.quantity[i] = NONE;
    this.peer[i] = peer;
    this.channel[i] = channel;
    this.rating[i] = NONE;
    this.text[i] = NONE;
    this.variant[i] = NONE;
    return i;
  }

  /** Indices in time order; ties keep insertion order (a session's steps are added in order). */
  sorted(): number[] {
    const order = this.order;
    const n = this.length;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    const ts = this.ts;
    // insertion sort: blocks are short and mostly in order already
    for (let i = 1; i < n; i++) {
      const x = order[i];
      const tx = ts[x];
      let k = i - 1;
      while (k >= 0 && ts[order[k]] > tx) {
        order[k + 1] = order[k];
        k--;
      }
      order[k + 1] = x;
    }
    return order;
  }
}
