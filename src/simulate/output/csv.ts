/**
 * CSV quoting (RFC 4180) and a file writer that encodes rows byte by byte into reused Buffers:
 * no string per row, so 10M rows cost no garbage collection. Full buffers queue up; the caller
 * writes them out with `drain()` at a point where it may await.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Quotes a field when it holds a comma, quote, CR or LF; doubles inner quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** ASCII bytes of a string; throws on anything else (the simulator writes ASCII only). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new Error(`simulate: non-ASCII text ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

const CHUNK = 1 << 20;
export const COMMA = 0x2c;
export const NEWLINE = 0x0a;
const ZERO = 0x30;
const DOT = 0x2e;

export class ChunkedFileWriter {
  bytesWritten = 0;
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private offset = 0;
  private readonly full: { buf: Buffer; length: number }[] = [];
  private readonly spare: Buffer[] = [];

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<ChunkedFileWriter> {
    return new ChunkedFileWriter(await open(path, 'w'));
  }

  /** Makes room for at least `bytes` more bytes in the current buffer. */
  reserve(bytes: number): void {
    if (this.offset + bytes > this.buf.length) {
      this.seal();
      if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
    }
  }

  /** Appends ASCII text (reserves room itself). */
  text(s: string): void {
    this.reserve(s.length);
    this.offset += this.buf.write(s, this.offset, 'latin1');
  }

  // The byte writers below assume room was reserved.
  byte(c: number): void {
    this.buf[this.offset++] = c;
  }

  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let o = this.offset;
    for (let i = 0; i < b.length; i++) buf[o++] = b[i];
    this.offset = o;
  }

  /** `len` bytes of `b` from `from`. */
  slice(b: Uint8Array, from: number, len: number): void {
    const buf = this.buf;
    let o = this.offset;
    for (let i = 0; i < len; i++) buf[o++] = b[from + i];
    this.offset = o;
  }

  /** A non-negative integer in decimal. */
  uint(n: number): void {
    if (n < 10) {
      this.buf[this.offset++] = ZERO + n;
      return;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    this.padded(n, digits);
  }

  /** A non-negative integer in exactly `width` digits, zero-padded. */
  padded(n: number, width: number): void {
    const buf = this.buf;
    let o = this.offset + width - 1;
    for (let i = 0; i < width; i++) {
      const q = Math.floor(n / 10);
      buf[o--] = ZERO + (n - q * 10);
      n = q;
    }
    this.offset += width;
  }

  /** An amount given in whole cents, as units.cc. */
  cents(c: number): void {
    const units = Math.floor(c / 100);
    this.uint(units);
    this.buf[this.offset++] = DOT;
    this.padded(c - units * 100, 2);
  }

  /** Whether full buffers wait to be written. */
  get pending(): boolean {
    return this.full.length > 0;
  }

  private seal(): void {
    if (this.offset === 0) return;
    this.full.push({ buf: this.buf, length: this.offset });
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK);
    this.offset = 0;
  }

  /** Writes the full buffers. */
  async drain(): Promise<void> {
    while (this.full.length > 0) {
      const { buf, length } = this.full.shift()!;
      let done = 0;
      while (done < length) done += (await this.fh.write(buf, done, length - done)).bytesWritten;
      this.bytesWritten += length;
      if (buf.length === CHUNK && this.spare.length < 4) this.spare.push(buf);
    }
  }

  async close(): Promise<void> {
    this.seal();
    await this.drain();
    await this.fh.close();
  }
}
