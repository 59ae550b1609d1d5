/**
 * The dashboard's files are served from memory, gzipped when the browser accepts it (the bundle is
 * ~650 KB), byte-identical to the built files once decoded. Needs the built dashboard (npm install builds it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createApp, DEFAULT_DASHBOARD_DIR } from '../../src/server/app.js';
import { ServerContext } from '../../src/server/context.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-static-');

test('the bundle: gzip when accepted, identical to the file; plain otherwise', { skip: !existsSync(join(DEFAULT_DASHBOARD_DIR, 'index.html')) && 'dashboard not built' }, async () => {
  const app = createApp(new ServerContext({ dataDir: scratch.dir, log: () => {} }));
  const index = readFileSync(join(DEFAULT_DASHBOARD_DIR, 'index.html'), 'utf8');
  const js = /src="([^"]+\.js)"/.exec(index)?.[1];
  assert.ok(js, 'index.html names its bundle');
  const file = readFileSync(join(DEFAULT_DASHBOARD_DIR, js));
  const zipped = await app.request(js, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers.get('content-encoding'), 'gzip');
  assert.match(zipped.headers.get('content-type') ?? '', /javascript/);
  const body = Buffer.from(await zipped.arrayBuffer());
  assert.ok(body.length < file.length / 2, `gzipped ${body.length} bytes of ${file.length}`);
  assert.ok(gunzipSync(body).equals(file));
  const plain = await app.request(js);
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.ok(Buffer.from(await plain.arrayBuffer()).equals(file));
  scratch.cleanup();
});
