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

/** Inline Markdown of descriptions (`code`, **bold**) as HTML, after escaping. */
function md(text: unknown): string {
  return esc(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

const AMOUNT_EXAMPLE = { wei: '1500000000000000000', formatted: '1.5', unit: 'LPT' };

/**
 * An example value of a JSON schema: the schema's own example or default when it has one, else a value of its
 * type (first enum member, first non-null alternative, one item of an array), so every operation shows the
 * shape of its answer. `$ref`s resolve through `schemas`, at most `depth` levels deep.
 */
export function exampleOf(schema: Json | undefined, schemas: Record<string, Json>, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (typeof schema.$ref === 'string') {
    const id = schema.$ref.split('/').pop()!;
    if (id === 'Amount') return AMOUNT_EXAMPLE;
    return exampleOf(schemas[id], schemas, depth + 1);
  }
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const alt = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (Array.isArray(alt)) return exampleOf(alt.find((a) => a.type !== 'null') ?? alt[0], schemas, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const keys = Object.keys(props);
      if (keys.length === 0) {
        const extra = schema.additionalProperties;
        return typeof extra === 'object' && extra !== null ? { key: exampleOf(extra as Json, schemas, depth + 1) } : {};
      }
      if ('wei' in props && 'formatted' in props && 'unit' in props) return AMOUNT_EXAMPLE;
      return Object.fromEntries(keys.map((k) => [k, exampleOf(props[k], schemas, depth + 1)]));
    }
    case 'array':
      return [exampleOf(schema.items as Json | undefined, schemas, depth + 1)];
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0.5;
    case 'boolean':
      return true;
    case 'string':
      return schema.pattern === '^0x[0-9a-fA-F]{40}$' ? '0x0000000000000000000000000000000000000000' : 'string';
    default:
      return null;
  }
}

/** Display names of the API's areas (OpenAPI tags), in the order the reference lists them. */
const AREAS: [tag: string, name: string][] = [
  ['network', 'Network'],
  ['orchestrators', 'Orchestrators'],
  ['accounts', 'Accounts, gateways and addresses'],
  ['events', 'Events'],
  ['staking', 'Staking'],
  ['treasury', 'Treasury'],
  ['governance', 'Governance'],
  ['economics', 'Economics and prices'],
  ['telemetry', 'Gateway telemetry'],
  ['leaderboard', 'Livepeer leaderboard API'],
  ['registry', 'Capability registry and matching'],
  ['labels', 'Labels'],
  ['needs', 'Data needs'],
  ['operations', 'Operations'],
  ['live', 'Live updates'],
  ['graphql', 'GraphQL'],
];

/**
 * The browsable API reference at /docs: rendered on the server from the OpenAPI document, one file with
 * inline CSS and a few lines of script for "try it", so it works offline and behind strict CSPs that
 * allow 'self' inline content only for this page.
 */
export function renderDocs(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const schemas = ((doc.components as Json)?.schemas ?? {}) as Record<string, Json>;
  const all = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op, tag: String((op.tags as string[] | undefined)?.[0] ?? 'other') })));
  const known = new Map(AREAS);
  const tags = [...AREAS.map(([t]) => t).filter((t) => all.some((o) => o.tag === t)), ...[...new Set(all.map((o) => o.tag))].filter((t) => !known.has(t)).sort()];
  const areaName = (t: string) => known.get(t) ?? t.charAt(0).toUpperCase() + t.slice(1);
  const nav = tags
    .map((t) => `<li class="area"><a href="#area-${esc(t)}">${esc(areaName(t))}</a><ul>${all.filter((o) => o.tag === t).map(({ path, method, op }) => `<li><a href="#${esc(op.operationId)}"><code>${method.toUpperCase()}</code> ${esc(path)}</a></li>`).join('')}</ul></li>`)
    .join('');
  const section = ({ path, method, op }: (typeof all)[number]) => {
      const params = (op.parameters ?? []) as Json[];
      const rows = params
        .map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td><code>${esc(typeOf(p.schema as Json))}</code>${(p.schema as Json)?.default !== undefined ? ` default <code>${esc(JSON.stringify((p.schema as Json).default))}</code>` : ''}</td><td>${md(p.description)}</td></tr>`)
        .join('');
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
        .map(([code, r]) => {
          const content = r.content as Record<string, Json> | undefined;
          const schema = content?.['application/json']?.schema as Json | undefined;
          return `<li><code>${esc(code)}</code> ${md(r.description)}${schema ? ` — <code>${esc(typeOf(schema))}</code>` : ''}</li>`;
        })
        .join('');
      const ok = ((op.responses ?? {}) as Record<string, Json>)['200'];
      const okContent = ok?.content as Record<string, Json> | undefined;
      const okSchema = okContent?.['application/json']?.schema as Json | undefined;
      const okType = okContent ? Object.keys(okContent)[0] : undefined;
      const example = okSchema
        ? `<details class="example" open><summary>Response example (200)</summary><pre>${esc(JSON.stringify(exampleOf(okSchema, schemas), null, 2))}</pre></details>`
        : `<details class="example"><summary>Response example (${esc(ok ? 200 : Object.keys(op.responses ?? {})[0] ?? '—')})</summary><pre>${esc(okType && okType !== 'application/json' ? `(${okType})` : ok?.description ?? 'no body')}</pre></details>`;
      const tryIt =
        method === 'get' && !path.startsWith('/events')
          ? `<form class="try" data-path="${esc(path)}">${params.map((p) => `<label>${esc(p.name)} <input name="${esc(p.name)}" data-in="${esc(p.in)}" placeholder="${esc(typeOf(p.schema as Json))}"></label>`).join('')}<button>Send</button><pre class="out" hidden></pre></form>`
          : '';
      return `<section id="${esc(op.operationId)}" class="op"><h3><code>${method.toUpperCase()}</code> ${esc(path)}</h3><p><b>${md(op.summary)}</b></p>${op.description ? `<p>${md(op.description)}</p>` : ''}${rows ? `<div class="wrap"><table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>${rows}</table></div>` : ''}<ul>${responses}</ul>${example}${tryIt}</section>`;
  };
  const body = tags.map((t) => `<h2 id="area-${esc(t)}" class="area">${esc(areaName(t))}</h2>${all.filter((o) => o.tag === t).map(section).join('')}`).join('');
  const models = Object.entries(schemas)
    .map(([id, s]) => `<details id="schema-${esc(id)}"><summary><code>${esc(id)}</code>${s.description ? ` — ${esc(s.description)}` : ''}</summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#101820;color:#fff;padding:16px 24px}header a{color:#9fe3b0}
main{display:flex;gap:24px;padding:16px 24px;max-width:1300px;box-sizing:border-box}
main>div{flex:1;min-width:0}
nav{width:280px;flex:none;position:sticky;top:8px;align-self:flex-start;max-height:calc(100vh - 16px);overflow:auto;font-size:13px}nav ul{list-style:none;padding:0;margin:0}nav li{margin:3px 0;overflow-wrap:anywhere}
nav li.area>a{font-weight:600}nav li.area>ul{margin:2px 0 8px 8px}
h2.area{font-size:19px;margin:20px 0 8px;border-bottom:2px solid #1f8a4c}
.wrap{overflow-x:auto}code{overflow-wrap:anywhere}
details.example summary{cursor:pointer;font-size:13px;color:#555}
nav a{text-decoration:none;color:#1b1f24}nav code{font-size:11px;background:#e3f4e8;padding:1px 4px;border-radius:3px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:12px 16px;margin-bottom:16px;overflow-x:auto}
h3{font-size:16px;margin:0 0 6px;overflow-wrap:anywhere}h3 code{background:#1f8a4c;color:#fff;padding:2px 6px;border-radius:4px;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
pre{background:#f3f3f3;padding:8px;border-radius:6px;overflow:auto;max-height:420px;font-size:12px}
.try label{display:inline-block;margin:4px 8px 4px 0;font-size:12px}.try input{width:140px}
@media (max-width:800px){main{flex-direction:column;padding:12px}nav{position:static;width:auto;max-height:none}.try input{width:110px}}
</style></head><body>
<header><h1 style="margin:0;font-size:20px">${esc(info.title)} <small>v${esc(info.version)}</small></h1><p style="margin:4px 0 0">${md(info.description)}</p><p style="margin:4px 0 0"><a href="/openapi.json">openapi.json</a> · <a href="/">dashboard</a></p></header>
<main><nav><ul>${nav}</ul><h3>Schemas</h3><ul>${Object.keys(schemas).map((id) => `<li><a href="#schema-${esc(id)}">${esc(id)}</a></li>`).join('')}</ul></nav>
<div>${body}<h2 class="area">Schemas</h2>${models}</div></main>
<script>
document.querySelectorAll('form.try').forEach(function(f){f.addEventListener('submit',function(ev){ev.preventDefault();
var path=f.dataset.path,q=new URLSearchParams();
f.querySelectorAll('input').forEach(function(i){if(!i.value)return;if(i.dataset.in==='path')path=path.replace('{'+i.name+'}',encodeURIComponent(i.value));else q.set(i.name,i.value);});
var out=f.querySelector('.out');out.hidden=false;out.textContent='…';
fetch(path+(q.toString()?'?'+q:'')).then(function(r){return r.text().then(function(t){try{t=JSON.stringify(JSON.parse(t),null,2)}catch(e){}out.textContent=r.status+'\\n'+t;});});});});
</script></body></html>`;
}
