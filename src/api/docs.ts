type Json = { [k: string]: unknown };

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) return schema.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(' | ');
  const t = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  const bounds = [schema.minimum !== undefined ? `≥ ${schema.minimum}` : '', schema.maximum !== undefined ? `≤ ${schema.maximum}` : ''].filter(Boolean).join(', ');
  return bounds ? `${t} (${bounds})` : t;
}

/**
 * The browsable API reference at /docs: rendered on the server from the OpenAPI document, one file with
 * inline CSS and a few lines of script for "try it", so it works offline and behind strict CSPs that
 * allow 'self' inline content only for this page.
 */
export function renderDocs(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const schemas = ((doc.components as Json)?.schemas ?? {}) as Record<string, Json>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const nav = ops.map(({ path, method, op }) => `<li><a href="#${esc(op.operationId)}"><code>${method.toUpperCase()}</code> ${esc(path)}</a></li>`).join('');
  const body = ops
    .map(({ path, method, op }) => {
      const params = (op.parameters ?? []) as Json[];
      const rows = params
        .map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td><code>${esc(typeOf(p.schema as Json))}</code>${(p.schema as Json)?.default !== undefined ? ` default <code>${esc(JSON.stringify((p.schema as Json).default))}</code>` : ''}</td><td>${esc(p.description)}</td></tr>`)
        .join('');
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
        .map(([code, r]) => {
          const content = r.content as Record<string, Json> | undefined;
          const schema = content?.['application/json']?.schema as Json | undefined;
          return `<li><code>${esc(code)}</code> ${esc(r.description)}${schema ? ` — <code>${esc(typeOf(schema))}</code>` : ''}</li>`;
        })
        .join('');
      const tryIt =
        method === 'get' && !path.startsWith('/events')
          ? `<form class="try" data-path="${esc(path)}">${params.map((p) => `<label>${esc(p.name)} <input name="${esc(p.name)}" data-in="${esc(p.in)}" placeholder="${esc(typeOf(p.schema as Json))}"></label>`).join('')}<button>Send</button><pre class="out" hidden></pre></form>`
          : '';
      return `<section id="${esc(op.operationId)}"><h2><code>${method.toUpperCase()}</code> ${esc(path)}</h2><p><b>${esc(op.summary)}</b></p>${op.description ? `<p>${esc(op.description)}</p>` : ''}${rows ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>${rows}</table>` : ''}<ul>${responses}</ul>${tryIt}</section>`;
    })
    .join('');
  const models = Object.entries(schemas)
    .map(([id, s]) => `<details id="schema-${esc(id)}"><summary><code>${esc(id)}</code>${s.description ? ` — ${esc(s.description)}` : ''}</summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#101820;color:#fff;padding:16px 24px}header a{color:#9fe3b0}
main{display:flex;gap:24px;padding:16px 24px;max-width:1300px}
nav{min-width:260px;position:sticky;top:8px;align-self:flex-start}nav ul{list-style:none;padding:0;margin:0}nav li{margin:4px 0}
nav a{text-decoration:none;color:#1b1f24}nav code{font-size:11px;background:#e3f4e8;padding:1px 4px;border-radius:3px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:12px 16px;margin-bottom:16px;overflow-x:auto}
h2{font-size:17px;margin:0 0 6px}h2 code{background:#1f8a4c;color:#fff;padding:2px 6px;border-radius:4px;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
pre{background:#f3f3f3;padding:8px;border-radius:6px;overflow:auto;max-height:420px;font-size:12px}
.try label{display:inline-block;margin:4px 8px 4px 0;font-size:12px}.try input{width:140px}
@media (max-width:800px){main{flex-direction:column}nav{position:static}}
</style></head><body>
<header><h1 style="margin:0;font-size:20px">${esc(info.title)} <small>v${esc(info.version)}</small></h1><p style="margin:4px 0 0">${esc(info.description)}</p><p style="margin:4px 0 0"><a href="/openapi.json">openapi.json</a> · <a href="/">dashboard</a></p></header>
<main><nav><ul>${nav}</ul><h3>Schemas</h3><ul>${Object.keys(schemas).map((id) => `<li><a href="#schema-${esc(id)}">${esc(id)}</a></li>`).join('')}</ul></nav>
<div>${body}<h2>Schemas</h2>${models}</div></main>
<script>
document.querySelectorAll('form.try').forEach(function(f){f.addEventListener('submit',function(ev){ev.preventDefault();
var path=f.dataset.path,q=new URLSearchParams();
f.querySelectorAll('input').forEach(function(i){if(!i.value)return;if(i.dataset.in==='path')path=path.replace('{'+i.name+'}',encodeURIComponent(i.value));else q.set(i.name,i.value);});
var out=f.querySelector('.out');out.hidden=false;out.textContent='…';
fetch(path+(q.toString()?'?'+q:'')).then(function(r){return r.text().then(function(t){try{t=JSON.stringify(JSON.parse(t),null,2)}catch(e){}out.textContent=r.status+'\\n'+t;});});});});
</script></body></html>`;
}
