// Waits until a running Atlas answers /api/v1/network with an indexed round (and, with --graphql, /graphql with
// the indexed rounds), then exits 0; exits 1 with what it last saw after --timeout seconds (default 600).
// Usage: node scripts/probe.mjs http://127.0.0.1:8080 [--graphql] [--timeout 600]
const [base, ...rest] = process.argv.slice(2);
const graphql = rest.includes('--graphql');
const t = rest.indexOf('--timeout');
const deadline = Date.now() + 1000 * (t >= 0 ? Number(rest[t + 1]) : 600);
const say = (m) => process.stderr.write(`probe: ${m}\n`);

async function network() {
  const res = await fetch(`${base}/api/v1/network`);
  if (res.status !== 200) return `HTTP ${res.status}`;
  const body = await res.json();
  return body.currentRound ? body : 'no round indexed yet';
}

async function rounds() {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ protocol(id: "0") { currentRound { id } } rounds(first: 3) { id } }' }) });
  const body = await res.json();
  if (res.status !== 200 || body.errors || !body.data?.rounds?.length) throw new Error(`/graphql answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

let last = 'no answer';
while (Date.now() < deadline) {
  try {
    const n = await network();
    if (typeof n === 'string') last = n;
    else {
      say(`/api/v1/network: round ${n.currentRound.round}, ${n.activeOrchestrators} active orchestrators, ${n.delegators} delegators`);
      if (graphql) say(`/graphql: rounds ${(await rounds()).rounds.map((r) => r.id).join(', ')}`);
      process.exit(0);
    }
  } catch (e) {
    last = e.message;
    if (e.message.startsWith('/graphql')) break;
  }
  await new Promise((r) => setTimeout(r, 1000));
}
say(`gave up: ${last}`);
process.exit(1);
