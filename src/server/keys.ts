/**
 * API keys: `spk_<id>_<secret>`. The keys file (`<data-dir>/keys.json`) holds, per key, its public
 * id, workspace, role and an scrypt hash of the secret with its own salt — never the key. A
 * request finds the record by id (a map lookup), pays the KDF once, and is then remembered by the
 * SHA-256 of the whole key so later requests do not pay it again. Secrets are compared with
 * timingSafeEqual. The file is rewritten atomically (temp file + rename) and re-read by a running
 * service when it changes, so `spiral keys create|revoke` take effect without a restart.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { checkWorkspaceName } from './workspaces.js';

export const ROLES = ['write', 'read', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do: write only ingests, read only queries, admin queries, ingests and runs analyses. */
export type Permission = 'ingest' | 'query' | 'analyze';
const GRANTS: Record<Role, readonly Permission[]> = {
  write: ['ingest'],
  read: ['query'],
  admin: ['ingest', 'query', 'analyze'],
};
export const allows = (role: Role, p: Permission) => GRANTS[role].includes(p);

/** scrypt cost: N = 2^14, r = 8 (Node's defaults, about 16 MiB and tens of ms per check). */
const SCRYPT: ScryptOptions = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

const KeyRecordSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{16}$/),
  workspace: z.string(),
  role: z.enum(ROLES),
  salt: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type KeyRecord = z.infer<typeof KeyRecordSchema>;
const KeysFileSchema = z.object({ version: z.literal(1), keys: z.array(KeyRecordSchema) });

export interface Principal {
  keyId: string;
  workspace: string;
  role: Role;
}

const KEY = /^spk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

function scrypt(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, HASH_BYTES, SCRYPT, (e, k) => (e ? reject(e) : resolve(k))));
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export class KeyStore {
  readonly path: string;
  private records = new Map<string, KeyRecord>();
  private mtimeMs = -1;
  /** sha256(key) → key id, for keys already verified with the KDF. */
  private verified = new Map<string, string>();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'keys.json');
    this.reloadIfChanged();
  }

  /** Re-reads the keys file when its modification time changed (a stat per call). */
  reloadIfChanged(): void {
    const mtimeMs = existsSync(this.path) ? statSync(this.path).mtimeMs : 0;
    if (mtimeMs === this.mtimeMs) return;
    this.records = new Map(this.readFile().map((k) => [k.id, k]));
    this.verified.clear();
    this.mtimeMs = mtimeMs;
  }

  private readFile(): KeyRecord[] {
    if (!existsSync(this.path)) return [];
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (e) {
      throw new KeyFileError(`${this.path}: not valid JSON (${(e as Error).message})`);
    }
    const r = KeysFileSchema.safeParse(json);
    if (!r.success) throw new KeyFileError(`${this.path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return r.data.keys;
  }

  private writeFile(keys: KeyRecord[]): void {
    mkdirSync(join(this.path, '..'), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.mtimeMs = -1;
    this.reloadIfChanged();
  }

  /** Creates a key; the returned key is shown once and stored only as a hash. */
  async create(workspace: string, role: Role, now = new Date()): Promise<{ key: string; record: KeyRecord }> {
    checkWorkspaceName(workspace);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const hash = await scrypt(secret, salt);
    const record: KeyRecord = {
      id, workspace, role, salt: salt.toString('base64'), hash: hash.toString('base64'), createdAt: now.toISOString(), revokedAt: null,
    };
    this.writeFile([...this.readFile(), record]);
    return { key: `spk_${id}_${secret}`, record };
  }

  list(workspace?: string): KeyRecord[] {
    return this.readFile().filter((k) => workspace === undefined || k.workspace === workspace);
  }

  /** Revokes a key by its id (or the whole key); returns the record, or null when there is no such key. */
  revoke(idOrKey: string, now = new Date()): KeyRecord | null {
    const id = KEY.exec(idOrKey)?.[1] ?? idOrKey;
    const keys = this.readFile();
    const k = keys.find((x) => x.id === id);
    if (!k) return null;
    if (!k.revokedAt) k.revokedAt = now.toISOString();
    this.writeFile(keys);
    return k;
  }

  /** Workspaces that have at least one live key. */
  workspaces(): string[] {
    return [...new Set([...this.records.values()].filter((k) => !k.revokedAt).map((k) => k.workspace))].sort();
  }

  /** The key's principal, or null when the key is malformed, unknown, revoked or wrong. */
  async verify(key: string): Promise<Principal | null> {
    this.reloadIfChanged();
    const m = KEY.exec(key);
    if (!m) return null;
    const rec = this.records.get(m[1]);
    if (!rec || rec.revokedAt) return null;
    const digest = createHash('sha256').update(key).digest('hex');
    if (this.verified.get(digest) === rec.id) return principal(rec);
    const expected = Buffer.from(rec.hash, 'base64');
    const actual = await scrypt(m[2], Buffer.from(rec.salt, 'base64'));
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    // The file may have changed while the KDF ran.
    if (this.records.get(rec.id) !== rec) return null;
    this.verified.set(digest, rec.id);
    return principal(rec);
  }
}

function principal(rec: KeyRecord): Principal {
  return { keyId: rec.id, workspace: rec.workspace, role: rec.role };
}
