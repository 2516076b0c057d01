// Address hubs: which roles an address plays (so a search lands on the right page) and the gateway hub (what a
// TicketBroker sender deposited, paid and reported).
import { z } from 'zod';
import { formatUsd } from '../../prices/lookup.js';
import { addressRoles } from '../../read/addresses.js';
import { gatewayAccount, gatewayTelemetry } from '../../read/gateways.js';
import { senderFeesByDay, senderFeesByRecipient } from '../../read/tickets.js';
import { treasuryPaymentsTo } from '../../read/treasury.js';
import { cachedPriceBook, LATEST, sumUsdE8, usdOf } from '../../prices/usd.js';
import { AtlasError } from '../errors.js';
import { amountSchema, eth, lpt } from '../format.js';
import { route } from '../route.js';
import { addressParam, usdAtTime, usdNow } from '../schemas.js';

const int = z.number().int();
const DAY = 86_400;

export const addressRoutes = [
  route({
    path: '/api/v1/addresses/{address}',
    tag: 'accounts',
    summary: 'Roles of an address',
    description:
      'What the address is on the network, each a separate fact: a registered orchestrator (BondingManager transcoder), a delegator (ever bonded), a gateway (TicketBroker deposit or reserve, or signed telemetry), a treasury recipient (LPT paid out by the treasury), a governance voter. `hub` names the page that describes it best (orchestrator, then gateway, then delegator, then treasury recipient); null when Atlas has seen nothing of it.',
    params: z.strictObject({ address: addressParam }),
    response: z.object({
      address: z.string(),
      roles: z.object({ orchestrator: z.boolean(), delegator: z.boolean(), gateway: z.boolean(), treasuryRecipient: z.boolean(), voter: z.boolean() }),
      hub: z.enum(['orchestrator', 'gateway', 'delegator', 'treasury-recipient']).nullable(),
      treasuryPayments: z.array(z.object({ blockNumber: int, txHash: z.string(), time: int, amount: amountSchema, amountUsd: usdAtTime })),
    }),
    maxAge: 5,
    cache: 'none',
    handler: async ({ params, data }) => {
      const roles = await addressRoles(data.db, params.address);
      const hub = roles.orchestrator ? ('orchestrator' as const) : roles.gateway ? ('gateway' as const) : roles.delegator ? ('delegator' as const) : roles.treasuryRecipient ? ('treasury-recipient' as const) : null;
      const payments = roles.treasuryRecipient ? await treasuryPaymentsTo(data.db, params.address) : [];
      const book = await cachedPriceBook(data.db);
      return {
        address: params.address,
        roles,
        hub,
        treasuryPayments: payments.map((p) => ({ blockNumber: Number(p.block), txHash: p.txHash, time: p.time, amount: lpt(p.amount), amountUsd: usdOf(book, p.amount, 'LPT', p.time) })),
      };
    },
  }),
  route({
    path: '/api/v1/gateways/{address}',
    tag: 'accounts',
    summary: 'Gateway: deposit, reserve, tickets and fees paid, orchestrators paid, telemetry sent',
    description:
      'A TicketBroker sender: deposit and reserve now (and the round its unlock allows a withdrawal), winning tickets and the ETH they paid per UTC day and per orchestrator, and what its signed job reports say (jobs, success, reported price paid per pipeline). 404 when the address never funded the TicketBroker and sent no telemetry.',
    params: z.strictObject({ address: addressParam }),
    response: z.object({
      address: z.string(),
      onChain: z.boolean().meta({ description: 'it funded a TicketBroker deposit or reserve' }),
      deposit: amountSchema,
      reserve: amountSchema,
      depositUsd: usdNow,
      reserveUsd: usdNow,
      withdrawRound: int.nullable().meta({ description: 'round from which an unlocked deposit can be withdrawn; null when not unlocking' }),
      winningTickets: int,
      faceValue: amountSchema.meta({ description: 'face value of its winning tickets' }),
      feesPaid: amountSchema.meta({ description: 'ETH its winning tickets paid orchestrators' }),
      feesPaidUsd: usdAtTime.meta({ description: 'sum of each day at that day\'s price' }),
      perDay: z.array(z.object({ day: int, date: z.string(), paid: amountSchema, paidUsd: usdAtTime, tickets: int })),
      orchestrators: z.array(z.object({ orchestrator: z.string(), paid: amountSchema, tickets: int })),
      telemetry: z.object({
        jobs: int,
        successRate: z.number().nullable(),
        reportedPaid: amountSchema.meta({ description: 'price paid as its job reports state it' }),
        firstDay: z.string().nullable(),
        lastDay: z.string().nullable(),
        byPipeline: z.array(z.object({ pipeline: z.string(), jobs: int, successRate: z.number().nullable(), reportedPaid: amountSchema })),
      }),
    }),
    errors: [404],
    maxAge: 5,
    cache: 'none',
    handler: async ({ params, data }) => {
      const [g, tel] = await Promise.all([gatewayAccount(data.db, params.address), gatewayTelemetry(data.db, params.address)]);
      if (!g && tel.jobs === 0) throw new AtlasError('not_found', `${params.address} never funded a TicketBroker deposit or reserve and sent no telemetry`);
      const [days, recipients, book] = await Promise.all([senderFeesByDay(data.db, params.address), senderFeesByRecipient(data.db, params.address), cachedPriceBook(data.db)]);
      // Each day's payments at the price in effect by the day's end.
      const dayUsd = days.map((d) => book.usdE8(d.paid, 'ETH', d.day + DAY - 1));
      const perDay = days.map((d, i) => ({ day: d.day, date: new Date(d.day * 1000).toISOString().slice(0, 10), paid: eth(d.paid), paidUsd: dayUsd[i] === null ? null : formatUsd(dayUsd[i]!), tickets: d.tickets }));
      const totalUsd = sumUsdE8(dayUsd);
      const date = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString().slice(0, 10));
      const rate = (s: number, j: number) => (j === 0 ? null : s / j);
      return {
        address: params.address,
        onChain: g !== null,
        deposit: eth(g?.deposit ?? 0n),
        reserve: eth(g?.reserve ?? 0n),
        depositUsd: usdOf(book, g?.deposit ?? 0n, 'ETH', LATEST),
        reserveUsd: usdOf(book, g?.reserve ?? 0n, 'ETH', LATEST),
        withdrawRound: g?.withdrawRound === null || g?.withdrawRound === undefined ? null : Number(g.withdrawRound),
        winningTickets: g?.winningTickets ?? 0,
        faceValue: eth(g?.faceValueTotal ?? 0n),
        feesPaid: eth(g?.feesPaid ?? 0n),
        feesPaidUsd: totalUsd === null ? null : formatUsd(totalUsd),
        perDay,
        orchestrators: recipients.map((r) => ({ orchestrator: r.orchestrator, paid: eth(r.paid), tickets: r.tickets })),
        telemetry: {
          jobs: tel.jobs,
          successRate: rate(tel.successes, tel.jobs),
          reportedPaid: eth(tel.reportedPaid),
          firstDay: date(tel.firstDay),
          lastDay: date(tel.lastDay),
          byPipeline: tel.byPipeline.map((p) => ({ pipeline: p.pipeline, jobs: p.jobs, successRate: rate(p.successes, p.jobs), reportedPaid: eth(p.reportedPaid) })),
        },
      };
    },
  }),
];
