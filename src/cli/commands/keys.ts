import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { KeyStore, ROLES, type Role } from '../../server/keys.js';
import { isWorkspaceName } from '../../server/workspaces.js';
import { UsageError } from '../errors.js';
import type { Output } from '../io.js';

export function registerKeys(program: Command, out: (json: boolean) => Output): void {
  const keys = program
    .command('keys')
    .description('API keys of the HTTP service: create, list, revoke (stored hashed in <data-dir>/keys.json)');

  keys
    .command('create')
    .description('create a key and print it once (it is stored only as a hash)')
    .requiredOption('--data-dir <dir>', 'the service data folder')
    .requiredOption('--workspace <name>', 'workspace (lower-case letters, digits, - and _)')
    .requiredOption('--role <role>', 'write (ingest only), read (query only) or admin (query, ingest, run analyses)')
    .option('--json', 'print {"key":…,"workspace":…,"role":…,"id":…} as the last line')
    .action(async (flags: { dataDir: string; workspace: string; role: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      if (!isWorkspaceName(flags.workspace)) {
        throw new UsageError(`--workspace: "${flags.workspace}" is not a valid name (lower-case letters, digits, - and _, 1-63 characters)`);
      }
      if (!(ROLES as readonly string[]).includes(flags.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${flags.role}"`);
      const dir = resolve(flags.dataDir);
      mkdirSync(dir, { recursive: true });
      const { key, record } = await new KeyStore(dir).create(flags.workspace, flags.role as Role);
      o.result(
        { key, workspace: record.workspace, role: record.role, id: record.id },
        `${key}\n(workspace ${record.workspace}, role ${record.role}, id ${record.id}; shown once — store it now)`,
      );
    });

  keys
    .command('list')
    .description('list keys (ids, workspaces, roles; never the keys)')
    .requiredOption('--data-dir <dir>', 'the service data folder')
    .option('--workspace <name>', 'only this workspace')
    .option('--json', 'print the list as JSON')
    .action((flags: { dataDir: string; workspace?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const list = new KeyStore(resolve(flags.dataDir)).list(flags.workspace)
        .map(({ id, workspace, role, createdAt, revokedAt }) => ({ id, workspace, role, createdAt, revokedAt }));
      o.result(
        { keys: list },
        list.length
          ? list.map((k) => `${k.id}  ${k.workspace}  ${k.role}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`).join('\n')
          : 'no keys',
      );
    });

  keys
    .command('revoke')
    .description('revoke a key by its id (or the key itself); a running service refuses it at once')
    .argument('<id>', 'the key id (from keys list) or the key')
    .requiredOption('--data-dir <dir>', 'the service data folder')
    .option('--json', 'print the revoked key record as JSON')
    .action((id: string, flags: { dataDir: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const rec = new KeyStore(resolve(flags.dataDir)).revoke(id);
      if (!rec) throw new UsageError(`no key with id ${id.slice(0, 40)} (see spiral keys list)`);
      o.result({ id: rec.id, workspace: rec.workspace, role: rec.role, revokedAt: rec.revokedAt }, `revoked ${rec.id} (${rec.workspace}, ${rec.role})`);
    });
}
