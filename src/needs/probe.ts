// The honest check: an answer counts only when its endpoint, asked now, returns data of the kind the
// mapping promises — a figure that is there (and not zero unless zero is an answer), a series of at least
// two points, a table with rows whose every column holds a value.
import type { AnswerSpec } from './mapping.js';

/** Value at a dot path ("totals.fees", "data.0.address") of a JSON answer. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface Verdict {
  ok: boolean;
  /** Why the answer does not count (null when it does). */
  reason: string | null;
}

const pass: Verdict = { ok: true, reason: null };
const fail = (reason: string): Verdict => ({ ok: false, reason });

interface Amount {
  wei: string;
  unit: string;
}
const isAmount = (v: unknown): v is Amount => typeof v === 'object' && v !== null && typeof (v as Amount).wei === 'string' && typeof (v as Amount).unit === 'string';

/** A number as the dashboard would chart it: numbers, numeric strings and amounts (their exact wei). */
function numeric(v: unknown): { zero: boolean } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? { zero: v === 0 } : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim())) return { zero: Number(v) === 0 };
  if (isAmount(v)) return /^-?\d+$/.test(v.wei) ? { zero: BigInt(v.wei) === 0n } : null;
  return null;
}

/** Why one value is not an answer of `format` (null when it is). */
function valueProblem(v: unknown, format: string, what: string, opts: { unit?: string; zeroIsAnswer: boolean }): string | null {
  if (v === undefined) return `${what} is missing`;
  if (v === null) return `${what} is null`;
  if (Array.isArray(v)) {
    if (v.length === 0) return `${what} is an empty list`;
    if (format === 'amount' || format === 'number' || format === 'percent') {
      const nums = v.map(numeric);
      if (nums.some((n) => n === null)) return `${what} holds values that are not numbers`;
      if (!opts.zeroIsAnswer && nums.every((n) => n!.zero)) return `${what} is zero throughout`;
    }
    return null;
  }
  switch (format) {
    case 'amount': {
      if (!isAmount(v)) return `${what} is not an amount`;
      if (opts.unit && v.unit !== opts.unit) return `${what} is in ${v.unit}, the question asks for ${opts.unit}`;
      if (!opts.zeroIsAnswer && numeric(v)?.zero) return `${what} is zero`;
      return null;
    }
    case 'number':
    case 'percent': {
      const n = numeric(v);
      if (!n) return `${what} is not a number`;
      if (!opts.zeroIsAnswer && n.zero) return `${what} is zero`;
      return null;
    }
    case 'address':
      return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? null : `${what} is not an address`;
    default: {
      if (typeof v === 'string') return v.trim() === '' ? `${what} is empty` : null;
      if (typeof v === 'object' && Object.keys(v as object).length === 0) return `${what} is empty`;
      return null;
    }
  }
}

/** Whether one endpoint answer (status and JSON body) holds what the spec promises. */
export function judgeAnswer(spec: AnswerSpec, status: number, body: unknown): Verdict {
  if (status !== 200) return fail(`${spec.endpoint} answered HTTP ${status}`);
  if (spec.kind === 'figure') {
    const p = valueProblem(at(body, spec.value), spec.format, spec.value, { unit: spec.unit, zeroIsAnswer: spec.zeroIsAnswer });
    return p ? fail(p) : pass;
  }
  const list = at(body, spec.list);
  if (!Array.isArray(list)) return fail(`${spec.list} is not a list`);
  if (spec.kind === 'chart') {
    if (list.length < 2) return fail(`${spec.list} holds ${list.length} point${list.length === 1 ? '' : 's'}; a series needs at least 2`);
    if (list.some((r) => at(r, spec.x) === undefined || at(r, spec.x) === null)) return fail(`a point of ${spec.list} has no ${spec.x}`);
    const problems: string[] = [];
    for (const y of spec.y) {
      const vals = list.map((r) => numeric(at(r, y.path))).filter((n) => n !== null);
      if (vals.length < 2) problems.push(`${y.path} has fewer than 2 values`);
      else if (!spec.zeroIsAnswer && vals.every((n) => n.zero)) problems.push(`${y.path} is zero throughout`);
    }
    // One drawn line is an answer; every line empty is not.
    return problems.length === spec.y.length ? fail(problems.join('; ')) : pass;
  }
  if (list.length === 0) return fail(`${spec.list} is empty`);
  const rows = list.slice(0, spec.rows);
  for (const c of spec.columns) {
    const problems = rows.map((r) => valueProblem(at(r, c.path), c.format, c.path, { zeroIsAnswer: true }));
    if (problems.every((p) => p !== null)) return fail(`column ${c.path}: ${problems[0]}`);
    if (!spec.zeroIsAnswer && (c.format === 'amount' || c.format === 'number' || c.format === 'percent')) {
      const allZero = rows.every((r) => {
        const v = at(r, c.path);
        const vals = Array.isArray(v) ? v.map(numeric) : [numeric(v)];
        return vals.every((n) => n === null || n.zero);
      });
      if (allZero) return fail(`column ${c.path} is zero in every shown row`);
    }
  }
  return pass;
}

/** How the check asks an endpoint: the app itself, in process, or a server over HTTP. */
export type AnswerFetcher = (path: string) => Promise<{ status: number; body: unknown }>;

/** A fetcher over anything answering Responses (the app in process, or fetch): JSON bodies parsed, others kept as text. */
export function responseFetcher(request: (path: string) => Promise<Response>): AnswerFetcher {
  return async (path) => {
    const res = await request(path);
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.status, body: text };
    }
  };
}

/**
 * Asks every answer endpoint once (a few at a time) and judges each spec. A request that throws is a
 * failed answer, not a failed check.
 */
export async function probeAnswers(specs: ReadonlyMap<string, AnswerSpec>, fetcher: AnswerFetcher, concurrency = 4): Promise<Map<string, Verdict>> {
  const endpoints = [...new Set([...specs.values()].map((s) => s.endpoint))];
  let next = 0;
  const results = new Map<string, { status: number; body: unknown } | Error>();
  const worker = async () => {
    while (next < endpoints.length) {
      const ep = endpoints[next++]!;
      results.set(ep, await fetcher(ep).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, endpoints.length)) }, worker));
  const out = new Map<string, Verdict>();
  for (const [id, spec] of specs) {
    const r = results.get(spec.endpoint)!;
    out.set(id, r instanceof Error ? fail(`${spec.endpoint} failed: ${r.message}`) : judgeAnswer(spec, r.status, r.body));
  }
  return out;
}
