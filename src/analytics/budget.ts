// Treasury budget: a versioned file of periods, categories with amounts per period, and the rules that tag
// spends with a category (explicit proposal ids, recipient addresses). Validation reports every problem with
// the file:line it comes from, and a file with any problem is rejected whole.
import { z } from 'zod';
import { BudgetTextError, childPath, parseBudgetText, type TextValue } from './budgetText.js';

const ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const idField = z.string({ error: 'must be a text id' }).regex(ID, { error: 'must be lower-case letters, digits, "-", "_" or "." (at most 64 characters)' });
const dateField = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(DATE, { error: 'must be a date YYYY-MM-DD' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: 'is not a calendar date' });
const addressField = z
  .string({ error: 'must be a 0x address' })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'must be a 0x-prefixed 20-byte hex address' })
  .transform((s) => s.toLowerCase());
/** LPT amounts as decimal text ("12500" or "12500.5"); JSON numbers are accepted when they are whole and safe. */
const amountField = z
  .union([z.string(), z.number()], { error: 'must be an LPT amount such as 12500 or 12500.5' })
  .transform((v, ctx) => {
    const s = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : v.trim().replace(/_/g, '');
    if (!/^\d{1,12}(\.\d{1,18})?$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a non-negative LPT amount such as 12500 or 12500.5 (at most 18 decimals)' });
      return z.NEVER;
    }
    const [whole, frac = ''] = s.split('.');
    return BigInt(whole!) * 10n ** 18n + BigInt(frac.padEnd(18, '0'));
  });

const budgetSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'must be a whole number' }).transform((v, ctx) => {
    const s = String(v);
    if (!/^[1-9]\d{0,8}$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number from 1' });
      return z.NEVER;
    }
    return Number(s);
  }),
  name: z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }),
  currency: z.literal('LPT', { error: 'must be LPT (the treasury holds LPT)' }).default('LPT'),
  periods: z
    .array(z.strictObject({ id: idField, start: dateField, end: dateField }), { error: 'must be a list of periods' })
    .min(1, { error: 'must list at least one period' }),
  categories: z
    .array(
      z.strictObject({
        id: idField,
        name: z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' }).max(200),
        amounts: z.record(z.string(), amountField, { error: 'must map period ids to LPT amounts' }).default({}),
        recipients: z.array(addressField, { error: 'must be a list of addresses' }).default([]),
      }),
      { error: 'must be a list of categories' },
    )
    .min(1, { error: 'must list at least one category' }),
  proposals: z.record(z.string().regex(/^\d{1,78}$/, { error: 'keys must be decimal proposal ids' }), idField, { error: 'must map proposal ids to category ids' }).default({}),
  labelers: z.array(addressField, { error: 'must be a list of addresses' }).default([]),
});

/** A validated budget; amounts in LPT-wei, dates as UTC days. */
export interface Budget {
  version: number;
  name: string;
  periods: { id: string; start: string; end: string; startTime: number; endTime: number }[];
  categories: { id: string; name: string; amounts: Map<string, bigint>; recipients: string[] }[];
  /** Proposal id (decimal) → category id. */
  proposals: Map<string, string>;
  /** Addresses whose signed spend labels are accepted. */
  labelers: string[];
}

/** One problem in a budget file. */
export interface BudgetIssue {
  line: number;
  /** Where in the document, e.g. "categories/1/amounts/2025-q3". */
  path: string;
  message: string;
}

export type BudgetResult = { ok: true; budget: Budget } | { ok: false; issues: BudgetIssue[] };

/** Renders issues as "file:line: path: message" lines, the form CLI users and editors understand. */
export function formatIssues(file: string, issues: BudgetIssue[]): string[] {
  return issues.map((i) => `${file}:${i.line}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
}

/** Parses and validates a budget file's text (YAML or JSON); every issue carries its line. */
export function parseBudget(text: string): BudgetResult {
  let parsed: { value: TextValue; lines: Map<string, number> };
  try {
    parsed = parseBudgetText(text);
  } catch (e) {
    if (e instanceof BudgetTextError) return { ok: false, issues: [{ line: e.line, path: '', message: e.message }] };
    throw e;
  }
  const lineOf = (path: (string | number)[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const key = path.slice(0, n).reduce<string>((acc, k) => childPath(acc, k), '');
      const l = parsed.lines.get(key);
      if (l !== undefined) return l;
    }
    return 1;
  };
  const r = budgetSchema.safeParse(parsed.value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => {
      const path = i.path.map((k) => (typeof k === 'symbol' ? String(k.description) : k));
      // Unknown keys are reported on their own line, not their parent's.
      const keys = i.code === 'unrecognized_keys' ? i.keys : [];
      const at = keys.length ? [...path, keys[0]!] : path;
      const message = i.code === 'unrecognized_keys' ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}` : i.message;
      const missing = i.code === 'invalid_type' && valueAt(parsed.value, path) === undefined;
      return { line: lineOf(at), path: at.join('/'), message: missing ? 'is required' : message };
    });
    return { ok: false, issues: issues.sort((a, b) => a.line - b.line) };
  }
  const b = r.data;
  const issues: BudgetIssue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push({ line: lineOf(path), path: path.join('/'), message });

  const periodIds = new Set<string>();
  const periods = b.periods.map((p, i) => {
    if (periodIds.has(p.id)) at(['periods', i, 'id'], `duplicate period id "${p.id}"`);
    periodIds.add(p.id);
    const startTime = Date.parse(`${p.start}T00:00:00Z`) / 1000;
    const endTime = Date.parse(`${p.end}T00:00:00Z`) / 1000 + 86_400; // end day is inclusive
    if (endTime <= startTime) at(['periods', i, 'end'], `ends (${p.end}) before it starts (${p.start})`);
    return { ...p, startTime, endTime, index: i };
  });
  const sorted = [...periods].sort((a, b) => a.startTime - b.startTime);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.startTime < prev.endTime) at(['periods', cur.index, 'start'], `period "${cur.id}" overlaps period "${prev.id}"`);
  }
  const catIds = new Set<string>();
  const recipientOwner = new Map<string, string>();
  b.categories.forEach((c, i) => {
    if (catIds.has(c.id)) at(['categories', i, 'id'], `duplicate category id "${c.id}"`);
    catIds.add(c.id);
    for (const pid of Object.keys(c.amounts)) if (!periodIds.has(pid)) at(['categories', i, 'amounts', pid], `unknown period "${pid}"`);
    c.recipients.forEach((a, j) => {
      const owner = recipientOwner.get(a);
      if (owner !== undefined && owner !== c.id) at(['categories', i, 'recipients', j], `recipient ${a} is already in category "${owner}"`);
      recipientOwner.set(a, c.id);
    });
  });
  for (const [pid, cat] of Object.entries(b.proposals)) if (!catIds.has(cat)) at(['proposals', pid], `unknown category "${cat}"`);
  if (issues.length) return { ok: false, issues: issues.sort((a, b) => a.line - b.line) };

  return {
    ok: true,
    budget: {
      version: b.version,
      name: b.name,
      periods: periods.map(({ id, start, end, startTime, endTime }) => ({ id, start, end, startTime, endTime })),
      categories: b.categories.map((c) => ({ id: c.id, name: c.name, amounts: new Map(Object.entries(c.amounts)), recipients: c.recipients })),
      proposals: new Map(Object.entries(b.proposals)),
      labelers: b.labelers,
    },
  };
}

function valueAt(root: TextValue, path: (string | number)[]): TextValue | undefined {
  let v: TextValue | undefined = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? v[Number(k)] : (v as Record<string, TextValue>)[String(k)];
  }
  return v;
}

/** A treasury spend (executed outflow) to be attributed to a category. */
export interface Spend {
  /** Proposal that paid it, when known. */
  proposalId: string | null;
  recipient: string;
  /** LPT-wei. */
  amount: bigint;
  /** Unix seconds of the paying block. */
  time: number;
  /** Category from a verified signed label, if any. */
  labelCategory?: string | null;
}

/** Where a spend's category came from: the budget's proposal list, a signed label, the recipient list, or none. */
export type TagSource = 'budget-proposal' | 'signed-label' | 'budget-recipient' | 'none';

/** Category of a spend: explicit proposal tag beats a signed label beats the recipient list. */
export function categorize(budget: Budget, s: { proposalId: string | null; recipient: string; labelCategory?: string | null }): { category: string | null; source: TagSource } {
  const byProposal = s.proposalId ? budget.proposals.get(s.proposalId) : undefined;
  if (byProposal) return { category: byProposal, source: 'budget-proposal' };
  if (s.labelCategory && budget.categories.some((c) => c.id === s.labelCategory)) return { category: s.labelCategory, source: 'signed-label' };
  const byRecipient = budget.categories.find((c) => c.recipients.includes(s.recipient.toLowerCase()));
  if (byRecipient) return { category: byRecipient.id, source: 'budget-recipient' };
  return { category: null, source: 'none' };
}

/** Budget vs actuals for one category and period (LPT-wei). */
export interface BudgetLine {
  category: string;
  period: string;
  budgeted: bigint;
  spent: bigint;
  /** Passed, not yet executed transfers tagged to this category, counted in the period they were proposed. */
  earmarked: bigint;
  /** budgeted − spent − earmarked; negative when over budget. */
  remaining: bigint;
}

/**
 * Budget vs actuals per category × period: spends count in the period containing their block time; spends
 * with no category or outside every period are returned separately so nothing is silently dropped.
 */
export function budgetVsActuals(
  budget: Budget,
  spends: Spend[],
  earmarks: { proposalId: string; recipient: string; amount: bigint; time: number; labelCategory?: string | null }[],
): { lines: BudgetLine[]; uncategorized: Spend[]; outsidePeriods: Spend[] } {
  const key = (c: string, p: string) => `${c}\u0000${p}`;
  const spent = new Map<string, bigint>();
  const earmarked = new Map<string, bigint>();
  const uncategorized: Spend[] = [];
  const outsidePeriods: Spend[] = [];
  const periodAt = (t: number) => budget.periods.find((p) => t >= p.startTime && t < p.endTime);
  for (const s of spends) {
    const { category } = categorize(budget, s);
    if (!category) {
      uncategorized.push(s);
      continue;
    }
    const p = periodAt(s.time);
    if (!p) {
      outsidePeriods.push(s);
      continue;
    }
    spent.set(key(category, p.id), (spent.get(key(category, p.id)) ?? 0n) + s.amount);
  }
  for (const e of earmarks) {
    const { category } = categorize(budget, e);
    const p = periodAt(e.time);
    if (category && p) earmarked.set(key(category, p.id), (earmarked.get(key(category, p.id)) ?? 0n) + e.amount);
  }
  const lines: BudgetLine[] = [];
  for (const c of budget.categories) {
    for (const p of budget.periods) {
      const budgeted = c.amounts.get(p.id) ?? 0n;
      const sp = spent.get(key(c.id, p.id)) ?? 0n;
      const em = earmarked.get(key(c.id, p.id)) ?? 0n;
      lines.push({ category: c.id, period: p.id, budgeted, spent: sp, earmarked: em, remaining: budgeted - sp - em });
    }
  }
  return { lines, uncategorized, outsidePeriods };
}

/** Budgeted outflow per second (LPT-wei/s, floored) over the periods not yet ended at `now` (unix s); 0 when none remain. */
export function budgetRatePerSecond(budget: Budget, now: number): bigint {
  let total = 0n;
  let seconds = 0;
  for (const p of budget.periods) {
    if (p.endTime <= now) continue;
    const sum = budget.categories.reduce((acc, c) => acc + (c.amounts.get(p.id) ?? 0n), 0n);
    total += sum;
    seconds += p.endTime - p.startTime;
  }
  return seconds > 0 ? total / BigInt(seconds) : 0n;
}

/** A treasury proposal that moves LPT, with its category (null when none) and status. */
export interface CategorizedSpend {
  category: string | null;
  status: string;
  /** LPT-wei the proposal transfers. */
  amount: bigint;
}

export interface CategoryLine {
  id: string;
  name: string;
  budgeted: bigint;
  /** Share of the whole budget, 0–1. */
  budgetShare: number;
  proposals: number;
  /** Succeeded, queued or executed. */
  passed: number;
  defeated: number;
  requested: bigint;
  paidOut: bigint;
  /** Share of all categorized outflows, 0–1; null before any. */
  spendShare: number | null;
  /** Passed, not yet executed. */
  earmarked: bigint;
  /** Median LPT its proposals asked (the lower middle of an even count); null with none. */
  medianGrant: bigint | null;
}

const share = (x: bigint, of: bigint) => (of === 0n ? 0 : Number((x * 1_000_000n) / of) / 1_000_000);

/**
 * Proposals and outflows by budget category, each category's share of the budget and of the spending, and the
 * balance split into earmarked (passed, not executed), budget not yet spent or earmarked, and idle (the rest;
 * negative when commitments exceed the balance). Amounts in LPT-wei.
 */
export function categorySummary(budget: Budget, spends: readonly CategorizedSpend[], balance: bigint): { balance: bigint; earmarked: bigint; budgetRemaining: bigint; idle: bigint; categories: CategoryLine[] } {
  const budgeted = (id: string) => [...(budget.categories.find((c) => c.id === id)?.amounts.values() ?? [])].reduce((a, x) => a + x, 0n);
  const totalBudget = budget.categories.reduce((a, c) => a + budgeted(c.id), 0n);
  const lines = budget.categories.map((c) => {
    const mine = spends.filter((s) => s.category === c.id);
    const sum = (f: (s: CategorizedSpend) => boolean) => mine.filter(f).reduce((a, s) => a + s.amount, 0n);
    const asks = mine.map((s) => s.amount).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return {
      id: c.id,
      name: c.name,
      budgeted: budgeted(c.id),
      budgetShare: share(budgeted(c.id), totalBudget),
      proposals: mine.length,
      passed: mine.filter((s) => ['succeeded', 'queued', 'executed'].includes(s.status)).length,
      defeated: mine.filter((s) => s.status === 'defeated').length,
      requested: sum(() => true),
      paidOut: sum((s) => s.status === 'executed'),
      spendShare: null as number | null,
      earmarked: sum((s) => s.status === 'succeeded' || s.status === 'queued'),
      medianGrant: asks.length ? asks[Math.floor((asks.length - 1) / 2)]! : null,
    };
  });
  const totalPaid = lines.reduce((a, l) => a + l.paidOut, 0n);
  for (const l of lines) l.spendShare = totalPaid === 0n ? null : share(l.paidOut, totalPaid);
  const earmarked = lines.reduce((a, l) => a + l.earmarked, 0n);
  const budgetRemaining = lines.reduce((a, l) => {
    const left = l.budgeted - l.paidOut - l.earmarked;
    return a + (left > 0n ? left : 0n);
  }, 0n);
  return { balance, earmarked, budgetRemaining, idle: balance - earmarked - budgetRemaining, categories: lines };
}
