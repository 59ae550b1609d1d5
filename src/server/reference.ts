/** The API reference page at /docs: one self-contained HTML page that renders /openapi.json (no CDN, no framework). */
export const REFERENCE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spiral API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f7f8fa}
main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}.op{background:#fff;border:1px solid #dde2ea;border-radius:8px;margin:14px 0;padding:12px 16px}
.m{display:inline-block;min-width:56px;font-weight:700;font-family:monospace;color:#fff;border-radius:4px;padding:1px 6px;margin-right:8px;text-align:center}
.get{background:#2f7d32}.post{background:#1f5fbf}.path{font-family:monospace;font-weight:600}
table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #eef0f4;padding:3px 10px 3px 0;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f1f3f7;padding:8px;border-radius:6px;overflow:auto;max-height:320px}
.muted{color:#5b6475}.pub{color:#a15c00;font-size:13px}
</style></head><body><main>
<h1>Spiral API</h1><p class="muted" id="info">Loading /openapi.json…</p>
<p class="muted">Authenticate with an API key (<code>spiral keys create</code>) as the HTTP Basic user name with an empty password, or <code>Authorization: Bearer &lt;key&gt;</code>. The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<div id="ops"></div>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('info').textContent = doc.info.title + ' ' + doc.info.version + ' — ' + (doc.info.description || '');
  const resolve = (s) => s && s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s;
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters || []).map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + '</td><td>' + esc((p.schema && p.schema.type) || '') + '</td><td>' + esc(p.description || '') + '</td></tr>').join('');
      const body = op.requestBody ? '<p><b>Body</b></p><pre>' + esc(JSON.stringify(resolve(Object.values(op.requestBody.content)[0].schema), null, 2)) + '</pre>' : '';
      const resp = Object.entries(op.responses || {}).map(([code, r]) => '<tr><td><code>' + esc(code) + '</code></td><td>' + esc(r.description) + '</td></tr>').join('');
      const pub = op.security && op.security.length === 0 ? ' <span class="pub">no key needed</span>' : '';
      out.push('<div class="op"><span class="m ' + esc(method) + '">' + esc(method.toUpperCase()) + '</span><span class="path">' + esc(path) + '</span>' + pub +
        '<p>' + esc(op.summary || '') + '</p>' + (params ? '<table><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr>' + params + '</table>' : '') + body +
        '<table><tr><th>status</th><th>meaning</th></tr>' + resp + '</table></div>');
    }
  }
  document.getElementById('ops').innerHTML = out.join('');
}).catch((e) => { document.getElementById('info').textContent = 'Could not load /openapi.json: ' + e; });
</script></main></body></html>`;
