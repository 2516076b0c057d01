// Treasury endpoints: balance and ceiling status, per-round ledger, every balance change with the proposal
// that caused it, budget vs actuals from the budget file, signed spend labels, income forecast and runway.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { budgetRatePerSecond, budgetVsActuals, categorize, categorySummary, formatIssues, parseBudget, type Budget, type BudgetIssue, type BudgetResult } from '../../analytics/budget.js';
import { roundClock } from '../../analytics/governance.js';
import { ceilingStatus, ledgerByRound } from '../../analytics/treasury.js';
import { callSharePpm, forecastTreasury } from '../../analytics/treasuryForecast.js';
import { treasuryRound } from '../../analytics/roundViews.js';
import { treasuryParams } from '../../read/params.js';
import { allRounds } from '../../read/rounds.js';
import { treasuryBalanceChanges, type TreasuryBalanceRow } from '../../read/treasury.js';
import { saveSpendLabel, spendLabels, type SpendLabel } from '../../registry/spendLabels.js';
import { verifyStatement } from '../../chain/typedData.js';
import type { ApiData, ProposalData, Snapshot } from '../data.js';
import { indexedChainId } from '../../read/network.js';
import { AtlasError } from '../errors.js';
import { amountSchema, lpt } from '../format.js';
import { route } from '../route.js';
import { toCsv } from '../csv.js';
import { intParam, tokenAmountParam, usdAtTime, usdNow } from '../schemas.js';
import type { PriceBook } from '../../prices/lookup.js';
import { cachedPriceBook, LATEST, usdOf } from '../../prices/usd.js';
import { actionSchema, actionsJson, proposalOutflow } from './governance.js';

const int = z.number().int();
const address = z.string();
const formatParam = z.enum(['json', 'csv'], { error: 'must be "json" or "csv"' }).default('json');
const csvResponse = (body: string, name: string) => new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` } });
const EARMARKED = new Set(['succeeded', 'queued']);

export const ledgerRoundSchema = z
  .object({ round: int, startTime: int, opening: amountSchema, treasuryRewards: amountSchema, otherInflows: amountSchema, outflows: amountSchema, closing: amountSchema, cutRate: z.string().meta({ description: 'per 1e27' }), usd: z.object({ treasuryRewards: usdAtTime, otherInflows: usdAtTime, outflows: usdAtTime, closing: usdAtTime }).meta({ description: "at the round's start" }) })
  .meta({ id: 'TreasuryLedgerRound' });

export const summarySchema = z
  .object({
    balance: amountSchema,
    balanceUsd: usdNow,
    ceiling: amountSchema.nullable(),
    atCeiling: z.boolean(),
    headroom: amountSchema.nullable(),
    cutRate: z.string().meta({ description: 'treasury reward cut of the current round, per 1e27' }),
    nextCutRate: z.string().meta({ description: 'cut of the next round, per 1e27 (0 once the balance reached the ceiling)' }),
    cutPercent: z.number(),
    totals: z.object({ treasuryRewards: amountSchema, otherInflows: amountSchema, outflows: amountSchema }),
    earmarked: amountSchema.meta({ description: 'LPT of passed, not yet executed transfers' }),
    earmarks: z.array(z.object({ proposalId: z.string(), title: z.string(), status: z.string(), amount: amountSchema, actions: z.array(actionSchema) })),
    rounds: z.array(ledgerRoundSchema),
  })
  .meta({ id: 'TreasurySummary' });

export const entrySchema = z
  .object({
    blockNumber: int,
    logIndex: int,
    txHash: z.string().nullable(),
    time: int.nullable(),
    kind: z.enum(['treasury-reward', 'inflow', 'outflow']),
    delta: amountSchema,
    deltaUsd: usdAtTime.meta({ description: 'the change in USD at its block' }),
    balance: amountSchema,
    counterparty: address.nullable(),
    proposalId: z.string().nullable(),
    proposalTitle: z.string().nullable(),
    category: z.string().nullable(),
    categorySource: z.enum(['budget-proposal', 'signed-label', 'budget-recipient', 'none']).nullable(),
  })
  .meta({ id: 'TreasuryLedgerEntry' });

/** The proposal whose execution moved this outflow: executed in its block and paying that counterparty. */
function proposalOf(e: TreasuryBalanceRow, snap: Snapshot): ProposalData | null {
  if (e.delta >= 0n) return null;
  return snap.proposals.find((p) => p.executedBlock === e.block && actionsJson(p).some((a) => a.recipient === e.counterparty && a.amount?.wei === (-e.delta).toString())) ?? null;
}

const labelFor = (labels: SpendLabel[], budget: Budget | null, proposalId: string | null): string | null => {
  if (!proposalId || !budget) return null;
  // Newest label from a labeler the current budget still lists.
  return labels.find((l) => l.proposalId === proposalId && budget.labelers.includes(l.signer))?.category ?? null;
};

/** The configured budget, or the error a budget endpoint answers: 404 without a file, 422 with its problems. */
async function requireBudget(file: string | null | undefined): Promise<{ file: string; budget: Budget }> {
  const b = await currentBudget(file);
  if (!b) throw new AtlasError('not_found', 'no budget file is configured (set ATLAS_BUDGET_FILE)');
  if (!b.budget) throw new AtlasError('unprocessable', `the budget file is invalid:\n${formatIssues(b.file, b.issues).join('\n')}`, { details: { issues: issuesJson(b.file, b.issues) } });
  return { file: b.file, budget: b.budget };
}

/** The budget file, read and parsed now (it may have been edited since start-up); null without one. */
async function readBudgetFile(file: string | null | undefined): Promise<{ file: string; result: BudgetResult } | null> {
  if (!file) return null;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { file, result: { ok: false, issues: [{ line: 1, path: '', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] } };
  }
  return { file, result: parseBudget(text) };
}

async function currentBudget(file: string | null | undefined): Promise<{ file: string; budget: Budget | null; issues: BudgetIssue[] } | null> {
  const f = await readBudgetFile(file);
  if (!f) return null;
  return f.result.ok ? { file: f.file, budget: f.result.budget, issues: [] } : { file: f.file, budget: null, issues: f.result.issues };
}

function entriesJson(entries: TreasuryBalanceRow[], snap: Snapshot, budget: Budget | null, labels: SpendLabel[], book: PriceBook): z.input<typeof entrySchema>[] {
  return entries.map((e) => {
    const p = proposalOf(e, snap);
    const tag = budget && e.delta < 0n ? categorize(budget, { proposalId: p?.id ?? null, recipient: e.counterparty ?? '', labelCategory: labelFor(labels, budget, p?.id ?? null) }) : null;
    return {
      blockNumber: Number(e.block),
      logIndex: e.logIndex,
      txHash: e.txHash,
      time: e.time,
      kind: e.kind as 'treasury-reward' | 'inflow' | 'outflow',
      delta: lpt(e.delta),
      deltaUsd: usdOf(book, e.delta, 'LPT', e.time),
      balance: lpt(e.balance),
      counterparty: e.counterparty,
      proposalId: p?.id ?? null,
      proposalTitle: p?.title ?? null,
      category: tag?.category ?? null,
      categorySource: tag?.source ?? null,
    };
  });
}

export async function summary(data: ApiData): Promise<z.input<typeof summarySchema>> {
  const snap = await data.snapshot();
  const [rounds, changes, params, book] = await Promise.all([allRounds(data.db).then((r) => r.map(treasuryRound)), treasuryBalanceChanges(data.db), treasuryParams(data.db), cachedPriceBook(data.db)]);
  const ledger = ledgerByRound(changes, rounds.map((r) => ({ round: r.round, block: r.block, cutRate: r.cutRate })));
  const last = changes[changes.length - 1];
  const cur = rounds[rounds.length - 1];
  const st = ceilingStatus(last?.balance ?? 0n, params.ceiling, cur?.cutRate ?? 0n, params.nextCutRate ?? cur?.cutRate ?? 0n);
  const earmarks = snap.proposals.filter((p) => EARMARKED.has(p.status) && proposalOutflow(p) > 0n);
  const sum = (f: (l: (typeof ledger)[number]) => bigint) => ledger.reduce((a, l) => a + f(l), 0n);
  const preRounds = changes.filter((c) => rounds.length && c.block < rounds[0]!.block);
  return {
    balance: lpt(st.balance),
    balanceUsd: usdOf(book, st.balance, 'LPT', LATEST),
    ceiling: st.ceiling === null ? null : lpt(st.ceiling),
    atCeiling: st.atCeiling,
    headroom: st.headroom === null ? null : lpt(st.headroom),
    cutRate: st.cutRate.toString(),
    nextCutRate: st.nextCutRate.toString(),
    cutPercent: Number((st.cutRate * 1_000_000n) / 10n ** 27n) / 10_000,
    totals: {
      treasuryRewards: lpt(sum((l) => l.treasuryRewards)),
      otherInflows: lpt(sum((l) => l.otherInflows) + preRounds.filter((c) => c.delta > 0n).reduce((a, c) => a + c.delta, 0n)),
      outflows: lpt(sum((l) => l.outflows) + preRounds.filter((c) => c.delta < 0n).reduce((a, c) => a - c.delta, 0n)),
    },
    earmarked: lpt(earmarks.reduce((a, p) => a + proposalOutflow(p), 0n)),
    earmarks: earmarks.map((p) => ({ proposalId: p.id, title: p.title, status: p.status, amount: lpt(proposalOutflow(p)), actions: actionsJson(p) })),
    rounds: ledger.map((l) => {
      const startTime = rounds.find((r) => r.round === l.round)?.time ?? 0;
      const at = (x: bigint) => usdOf(book, x, 'LPT', startTime);
      return {
        round: Number(l.round),
        startTime,
        opening: lpt(l.opening),
        treasuryRewards: lpt(l.treasuryRewards),
        otherInflows: lpt(l.otherInflows),
        outflows: lpt(l.outflows),
        closing: lpt(l.closing),
        cutRate: l.cutRate.toString(),
        usd: { treasuryRewards: at(l.treasuryRewards), otherInflows: at(l.otherInflows), outflows: at(l.outflows), closing: at(l.closing) },
      };
    }),
  };
}

export const issueSchema = z.object({ line: int, path: z.string(), message: z.string(), text: z.string().meta({ description: 'file:line: path: message' }) }).meta({ id: 'BudgetIssue' });
const issuesJson = (file: string, issues: BudgetIssue[]) => {
  const texts = formatIssues(file, issues);
  return issues.map((i, k) => ({ ...i, text: texts[k]! }));
};

export const budgetSchema = z
  .object({
    file: z.string(),
    version: int,
    name: z.string(),
    periods: z.array(z.object({ id: z.string(), start: z.string(), end: z.string() })),
    categories: z.array(z.object({ id: z.string(), name: z.string() })),
    lines: z.array(z.object({ category: z.string(), period: z.string(), budgeted: amountSchema, spent: amountSchema, earmarked: amountSchema, remaining: amountSchema })),
    totals: z.object({ budgeted: amountSchema, spent: amountSchema, earmarked: amountSchema, remaining: amountSchema }),
    uncategorized: amountSchema.meta({ description: 'executed outflows with no category' }),
    outsidePeriods: amountSchema.meta({ description: 'categorized outflows dated outside every period' }),
    spends: z.array(entrySchema),
  })
  .meta({ id: 'TreasuryBudget' });

const labelTypes = {
  SpendLabel: [
    { name: 'proposalId', type: 'uint256' },
    { name: 'category', type: 'string' },
    { name: 'labeler', type: 'address' },
    { name: 'issuedAt', type: 'uint64' },
  ],
};

export const forecastSchema = z
  .object({
    fromRound: int,
    balance: amountSchema,
    spendPerRound: amountSchema,
    spendSource: z.enum(['budget', 'query', 'none']),
    roundSeconds: z.number().nullable(),
    shares: z.object({ low: z.number(), mid: z.number(), high: z.number() }).meta({ description: 'reward-call share of mintable used per band (10th/50th/90th percentile)' }),
    rounds: z.array(z.object({ round: int, mintable: amountSchema, inflow: z.object({ low: amountSchema, mid: amountSchema, high: amountSchema }), balance: z.object({ low: amountSchema, mid: amountSchema, high: amountSchema }) })),
    runwayRounds: z.object({ low: int.nullable(), mid: int.nullable(), high: int.nullable() }).meta({ description: 'rounds the balance pays the spend; null = beyond the horizon or no spend' }),
    runwayWithoutIncome: int.nullable(),
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'TreasuryForecast' });

export const treasuryRoutes = [
  route({
    path: '/api/v1/treasury',
    tag: 'treasury',
    summary: 'Treasury balance, ceiling status, cut rate, earmarked transfers and the per-round ledger',
    description: '`format=csv` exports the per-round ledger.',
    query: z.strictObject({ format: formatParam }),
    response: summarySchema,
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      const s = await summary(data);
      if (query.format === 'csv') {
        return csvResponse(
          toCsv(['round', 'start_time', 'opening_lpt', 'treasury_rewards_lpt', 'other_inflows_lpt', 'outflows_lpt', 'closing_lpt', 'cut_rate_1e27'], s.rounds.map((r) => [r.round, r.startTime, r.opening.formatted, r.treasuryRewards.formatted, r.otherInflows.formatted, r.outflows.formatted, r.closing.formatted, r.cutRate])),
          'treasury-rounds.csv',
        );
      }
      return s;
    },
  }),
  route({
    path: '/api/v1/treasury/ledger',
    tag: 'treasury',
    summary: 'Every change of the treasury LPT balance, with the paying proposal and budget category of outflows',
    query: z.strictObject({ kind: z.enum(['treasury-reward', 'inflow', 'outflow'], { error: 'must be treasury-reward, inflow or outflow' }).optional(), format: formatParam }),
    response: z.object({ data: z.array(entrySchema) }).meta({ id: 'TreasuryLedger' }),
    csv: true,
    cache: 'none',
    maxAge: 5,
    handler: async ({ query, data, options }) => {
      const snap = await data.snapshot();
      const b = await currentBudget(options.budgetFile);
      const changes = (await treasuryBalanceChanges(data.db)).filter((c) => !query.kind || c.kind === query.kind);
      const rows = entriesJson(changes, snap, b?.budget ?? null, await spendLabels(data.db), await cachedPriceBook(data.db));
      if (query.format === 'csv') {
        return csvResponse(
          toCsv(['block', 'log_index', 'tx_hash', 'time', 'kind', 'delta_lpt', 'balance_lpt', 'counterparty', 'proposal_id', 'category'], rows.map((r) => [r.blockNumber, r.logIndex, r.txHash ?? '', r.time ?? '', r.kind, r.delta.formatted, r.balance.formatted, r.counterparty ?? '', r.proposalId ?? '', r.category ?? ''])),
          'treasury-ledger.csv',
        );
      }
      return { data: rows };
    },
  }),
  route({
    path: '/api/v1/treasury/categories',
    tag: 'treasury',
    summary: 'Proposals and outflows by category, budget share per objective, earmarked and idle balance',
    description:
      'Every governor proposal that moves LPT, put in a category of the budget file (ATLAS_BUDGET_FILE) by the budget’s proposal list, a signed spend label of a listed labeler, or the recipient: how many proposals, what they asked for, what was paid out and what is earmarked (passed, not executed). Each category’s share of the budget and of the spending; the treasury balance split into earmarked, budgeted-but-unspent and idle. 404 without a budget file.',
    response: z.object({
      budget: z.string(),
      balance: amountSchema,
      earmarked: amountSchema.meta({ description: 'passed, not yet executed transfers' }),
      budgetRemaining: amountSchema.meta({ description: 'budgeted, not yet spent or earmarked (periods not over-spent)' }),
      idle: amountSchema.meta({ description: 'balance − earmarked − budget remaining; negative when commitments exceed the balance' }),
      categories: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          budgeted: amountSchema,
          budgetShare: z.number().meta({ description: 'share of the whole budget (0–1)' }),
          proposals: z.number().int(),
          passed: z.number().int().meta({ description: 'succeeded, queued or executed' }),
          defeated: z.number().int(),
          requested: amountSchema,
          paidOut: amountSchema,
          spendShare: z.number().nullable().meta({ description: 'share of all categorized outflows (0–1)' }),
          earmarked: amountSchema,
          medianGrant: amountSchema.nullable().meta({ description: 'median LPT asked by its proposals' }),
        }),
      ),
    }),
    cache: 'none',
    maxAge: 0,
    errors: [404, 422],
    handler: async ({ data, options }) => {
      const { budget } = await requireBudget(options.budgetFile);
      const snap = await data.snapshot();
      const labels = await spendLabels(data.db);
      const changes = await treasuryBalanceChanges(data.db);
      const spends = snap.proposals.flatMap((p) => {
        const transfers = actionsJson(p).filter((a) => a.kind === 'lpt-transfer' && a.amount);
        if (transfers.length === 0) return [];
        const tag = categorize(budget, { proposalId: p.id, recipient: transfers[0]!.recipient ?? '', labelCategory: labelFor(labels, budget, p.id) });
        return [{ category: tag.category, status: p.status, amount: proposalOutflow(p) }];
      });
      const c = categorySummary(budget, spends, changes[changes.length - 1]?.balance ?? 0n);
      return {
        budget: budget.name,
        balance: lpt(c.balance),
        earmarked: lpt(c.earmarked),
        budgetRemaining: lpt(c.budgetRemaining),
        idle: lpt(c.idle),
        categories: c.categories.map((x) => ({
          ...x,
          budgeted: lpt(x.budgeted),
          requested: lpt(x.requested),
          paidOut: lpt(x.paidOut),
          earmarked: lpt(x.earmarked),
          medianGrant: x.medianGrant === null ? null : lpt(x.medianGrant),
        })),
      };
    },
  }),
  route({
    path: '/api/v1/treasury/budget',
    tag: 'treasury',
    summary: 'Budget vs actuals per category and period, from the budget file (ATLAS_BUDGET_FILE)',
    description: 'Outflows are tagged by the budget’s proposal list, then by a signed label of a listed labeler, then by recipient. Earmarked = passed, not yet executed transfers. 404 without a budget file; 422 with the file’s problems (file:line) when it is invalid.',
    query: z.strictObject({ format: formatParam }),
    response: budgetSchema,
    csv: true,
    cache: 'none',
    maxAge: 0,
    errors: [404, 422],
    handler: async ({ query, data, options }) => {
      const b = await requireBudget(options.budgetFile);
      const budget = b.budget;
      const snap = await data.snapshot();
      const labels = await spendLabels(data.db);
      const outflows = (await treasuryBalanceChanges(data.db)).filter((c) => c.delta < 0n);
      const spends = entriesJson(outflows, snap, budget, labels, await cachedPriceBook(data.db));
      const r = budgetVsActuals(
        budget,
        spends.map((s) => ({ proposalId: s.proposalId, recipient: s.counterparty ?? '', amount: -BigInt(s.delta.wei), time: s.time ?? 0, labelCategory: labelFor(labels, budget, s.proposalId) })),
        snap.proposals
          .filter((p) => EARMARKED.has(p.status))
          .flatMap((p) => actionsJson(p).filter((a) => a.kind === 'lpt-transfer' && a.amount).map((a) => ({ proposalId: p.id, recipient: a.recipient ?? '', amount: BigInt(a.amount!.wei), time: p.createdTime ?? 0, labelCategory: labelFor(labels, budget, p.id) }))),
      );
      const tot = (f: (l: (typeof r.lines)[number]) => bigint) => r.lines.reduce((a, l) => a + f(l), 0n);
      if (query.format === 'csv') {
        return csvResponse(toCsv(['category', 'period', 'budgeted_lpt', 'spent_lpt', 'earmarked_lpt', 'remaining_lpt'], r.lines.map((l) => [l.category, l.period, lpt(l.budgeted).formatted, lpt(l.spent).formatted, lpt(l.earmarked).formatted, lpt(l.remaining).formatted])), 'budget-vs-actuals.csv');
      }
      return {
        file: b.file,
        version: budget.version,
        name: budget.name,
        periods: budget.periods.map(({ id, start, end }) => ({ id, start, end })),
        categories: budget.categories.map(({ id, name }) => ({ id, name })),
        lines: r.lines.map((l) => ({ category: l.category, period: l.period, budgeted: lpt(l.budgeted), spent: lpt(l.spent), earmarked: lpt(l.earmarked), remaining: lpt(l.remaining) })),
        totals: { budgeted: lpt(tot((l) => l.budgeted)), spent: lpt(tot((l) => l.spent)), earmarked: lpt(tot((l) => l.earmarked)), remaining: lpt(tot((l) => l.remaining)) },
        uncategorized: lpt(r.uncategorized.reduce((a, s) => a + s.amount, 0n)),
        outsidePeriods: lpt(r.outsidePeriods.reduce((a, s) => a + s.amount, 0n)),
        spends,
      };
    },
  }),
  route({
    path: '/api/v1/treasury/budget/validate',
    method: 'post',
    tag: 'treasury',
    summary: 'Check a budget file (YAML or JSON) and list every problem with its line',
    rawBody: { contentTypes: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain', 'application/json'] },
    maxBodyBytes: 256 * 1024,
    query: z.strictObject({ file: z.string().max(200).regex(/^[\w.\-/]+$/, { error: 'must be a plain file name' }).default('budget.yaml').meta({ description: 'name used in the file:line messages' }) }),
    response: z.object({ ok: z.boolean(), issues: z.array(issueSchema), summary: z.object({ version: int, name: z.string(), periods: int, categories: int }).nullable() }).meta({ id: 'BudgetValidation' }),
    maxAge: 0,
    handler: async ({ body, query }) => {
      const r = parseBudget(String(body));
      if (!r.ok) return { ok: false, issues: issuesJson(query.file, r.issues), summary: null };
      return { ok: true, issues: [], summary: { version: r.budget.version, name: r.budget.name, periods: r.budget.periods.length, categories: r.budget.categories.length } };
    },
  }),
  route({
    path: '/api/v1/treasury/labels',
    method: 'post',
    tag: 'treasury',
    summary: "Tag a proposal's spend with a budget category by an EIP-712 signed SpendLabel from a labeler the budget lists",
    description: 'Typed data: domain atlasDomain(chainId); SpendLabel(uint256 proposalId, string category, address labeler, uint64 issuedAt). A newer label of the same labeler replaces the older one.',
    body: z.strictObject({
      proposalId: z.string().regex(/^\d{1,78}$/, { error: 'must be a decimal proposal id' }),
      category: z.string().min(1).max(64),
      labeler: z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: 'must be a 0x address' }),
      issuedAt: z.number().int().min(0).max(2 ** 40),
      signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, { error: 'must be a 65-byte 0x hex signature' }),
    }),
    response: z.object({ accepted: z.boolean(), proposalId: z.string(), category: z.string(), labeler: z.string() }).meta({ id: 'SpendLabelResult' }),
    maxAge: 0,
    errors: [401, 403, 404, 409, 422],
    handler: async ({ body, data, options }) => {
      const b = body as { proposalId: string; category: string; labeler: string; issuedAt: number; signature: `0x${string}` };
      const budget = await currentBudget(options.budgetFile);
      if (!budget?.budget) throw new AtlasError('unprocessable', 'no valid budget file is configured, so no labeler is authorised');
      const labeler = b.labeler.toLowerCase();
      if (!budget.budget.labelers.includes(labeler)) throw new AtlasError('forbidden', `${labeler} is not a labeler of the budget`);
      if (!budget.budget.categories.some((c) => c.id === b.category)) throw new AtlasError('unprocessable', `category "${b.category}" is not in the budget`);
      const snap = await data.snapshot();
      if (!snap.proposalsById.has(b.proposalId)) throw new AtlasError('not_found', `no proposal with id ${b.proposalId}`);
      await verifyStatement({
        chainId: await indexedChainId(data.db),
        types: labelTypes,
        primaryType: 'SpendLabel',
        message: { proposalId: BigInt(b.proposalId), category: b.category, labeler: b.labeler, issuedAt: BigInt(b.issuedAt) },
        signature: b.signature,
        claimed: b.labeler as `0x${string}`,
      });
      const ok = await saveSpendLabel(data.db, { proposalId: b.proposalId, signer: labeler, category: b.category, issuedAt: b.issuedAt, signature: b.signature });
      if (!ok) throw new AtlasError('conflict', 'a label of this labeler with an equal or later issuedAt is already stored');
      return { accepted: true, proposalId: b.proposalId, category: b.category, labeler };
    },
  }),
  route({
    path: '/api/v1/treasury/forecast',
    tag: 'treasury',
    summary: 'Treasury income forecast (fan: 10th/50th/90th percentile reward-call share) and runway under the budget',
    query: z.strictObject({
      rounds: intParam(1, 2000, 'rounds to forecast (default 365)').default(365),
      spendPerRound: tokenAmountParam('LPT spent per round; default: the budget file’s rate over its remaining periods').optional(),
      format: formatParam,
    }),
    response: forecastSchema,
    csv: true,
    cache: 'none',
    maxAge: 0,
    handler: async ({ query, data, options }) => {
      const [rounds, changes, params] = await Promise.all([allRounds(data.db).then((r) => r.map(treasuryRound)), treasuryBalanceChanges(data.db), treasuryParams(data.db)]);
      const clock = roundClock(rounds.map((r) => ({ round: r.round, time: r.time })));
      const cur = rounds[rounds.length - 1];
      const prev = rounds[rounds.length - 2];
      const balance = changes[changes.length - 1]?.balance ?? 0n;
      let spend = 0n;
      let spendSource: 'budget' | 'query' | 'none' = 'none';
      if (query.spendPerRound !== undefined) {
        spend = query.spendPerRound;
        spendSource = 'query';
      } else {
        const b = await currentBudget(options.budgetFile);
        if (b?.budget && clock.medianLength !== null && cur) {
          spend = budgetRatePerSecond(b.budget, cur.time) * BigInt(Math.round(clock.medianLength));
          spendSource = 'budget';
        }
      }
      const step = cur && prev ? (cur.inflation > prev.inflation ? cur.inflation - prev.inflation : prev.inflation - cur.inflation) : 0n;
      const f = forecastTreasury({
        round: cur?.round ?? 0n,
        balance,
        supply: cur?.supply ?? 0n,
        inflation: cur?.inflation ?? 0n,
        inflationChange: step,
        direction: cur && prev ? (cur.inflation > prev.inflation ? 1 : cur.inflation < prev.inflation ? -1 : 0) : 0,
        cutRate: params.ceiling !== null && balance >= params.ceiling ? 0n : (params.nextCutRate ?? cur?.cutRate ?? 0n),
        ceiling: params.ceiling,
        callSharesPpm: rounds.filter((r) => r.mintable > 0n).slice(-90).map((r) => callSharePpm(r.minted, r.mintable)),
        spendPerRound: spend,
        rounds: query.rounds,
      });
      if (query.format === 'csv') {
        return csvResponse(
          toCsv(['round', 'mintable_lpt', 'inflow_low_lpt', 'inflow_mid_lpt', 'inflow_high_lpt', 'balance_low_lpt', 'balance_mid_lpt', 'balance_high_lpt'], f.rounds.map((r) => [Number(r.round), lpt(r.mintable).formatted, lpt(r.inflow.low).formatted, lpt(r.inflow.mid).formatted, lpt(r.inflow.high).formatted, lpt(r.balance.low).formatted, lpt(r.balance.mid).formatted, lpt(r.balance.high).formatted])),
          'treasury-forecast.csv',
        );
      }
      return {
        fromRound: Number(cur?.round ?? 0n),
        balance: lpt(balance),
        spendPerRound: lpt(spend),
        spendSource,
        roundSeconds: clock.medianLength,
        shares: { low: Number(f.shares.low) / 1e6, mid: Number(f.shares.mid) / 1e6, high: Number(f.shares.high) / 1e6 },
        rounds: f.rounds.map((r) => ({ round: Number(r.round), mintable: lpt(r.mintable), inflow: { low: lpt(r.inflow.low), mid: lpt(r.inflow.mid), high: lpt(r.inflow.high) }, balance: { low: lpt(r.balance.low), mid: lpt(r.balance.mid), high: lpt(r.balance.high) } })),
        runwayRounds: f.runwayRounds,
        runwayWithoutIncome: f.runwayWithoutIncome === null ? null : Number(f.runwayWithoutIncome),
        assumptions: [
          'mintable = supply × inflation; inflation keeps moving by its last per-round step in its last direction',
          'minted = mintable × reward-call share (10th/50th/90th percentile of the last 90 rounds)',
          'treasury inflow = minted × cut rate; the cut becomes 0 from the round after the balance reaches the ceiling',
          spendSource === 'budget' ? 'spend per round = the budget’s amounts over its remaining periods × the median round length' : spendSource === 'query' ? 'spend per round as requested' : 'no spend (no budget file)',
        ],
      };
    },
  }),
];
