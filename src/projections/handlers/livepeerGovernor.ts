import type { ProposalRow, VoteRow } from '../rows.js';
import type { EventHandler, HandlerTable } from '../state.js';

const ZERO = '0x0000000000000000000000000000000000000000';

/** A vote: tallied with the voter's delegate at the end of the proposal's snapshot round, so a delegator can override its orchestrator. */
const voteCast: EventHandler = (s, e) => {
  const id = (e.args.proposalId as bigint).toString();
  const p = s.proposals.get(id);
  const voter = e.args.voter as string;
  // BondingVotes.delegatedAt(account, snapshot) answers as of the end of the snapshot round (the start of the next).
  const asOf = p ? p.vote_start + 1n : 0n;
  const delegate = p ? s.delegateAt(voter, asOf) : voter;
  const row: VoteRow = { proposal_id: id, voter, support: Number(e.args.support), weight: e.args.weight as bigint, reason: String(e.args.reason ?? ''), delegate, block_number: e.blockNumber, log_index: e.logIndex };
  s.changes.votes.push(row);
  try {
    const d = delegate ?? ZERO;
    const delegateSelfDelegated = p ? (s.delegateAt(d, asOf) ?? ZERO).toLowerCase() === d.toLowerCase() : true;
    s.tallyOf(id).castVote({ voter, delegate: d, delegateSelfDelegated, support: row.support, weight: row.weight });
  } catch (err) {
    s.diverge(e, 'vote tally', 'counts', (err as Error).message);
  }
  if (!p) return;
  const t = s.tallyOf(id).totals();
  p.for_votes = t.forVotes;
  p.against_votes = t.againstVotes;
  p.abstain_votes = t.abstainVotes;
  p.voters += 1;
  s.changes.proposals.set(id, p);
};

/** Queued, executed or canceled: the proposal's lifecycle blocks. */
const lifecycle: EventHandler = (s, e) => {
  const id = (e.args.proposalId as bigint).toString();
  const p = s.proposals.get(id);
  if (!p) return;
  if (e.name === 'ProposalQueued') {
    p.queued_block = e.blockNumber;
    p.eta = e.args.eta as bigint;
  } else if (e.name === 'ProposalExecuted') p.executed_block = e.blockNumber;
  else p.canceled_block = e.blockNumber;
  s.changes.proposals.set(id, p);
};

/** LivepeerGovernor: treasury proposals and their votes. */
export const livepeerGovernorHandlers: HandlerTable = {
  'LivepeerGovernor.ProposalCreated': (s, e) => {
    const a = e.args;
    const id = (a.proposalId as bigint).toString();
    const p: ProposalRow = {
      id,
      proposer: a.proposer as string,
      targets: (a.targets as string[]).map((x) => x.toLowerCase()),
      values: (a.values as bigint[]).map(String),
      calldatas: (a.calldatas as string[]).map(String),
      description: String(a.description),
      vote_start: a.voteStart as bigint,
      vote_end: a.voteEnd as bigint,
      created_block: e.blockNumber,
      created_round: s.extra.lastRound || null,
      queued_block: null,
      eta: null,
      executed_block: null,
      canceled_block: null,
      for_votes: 0n,
      against_votes: 0n,
      abstain_votes: 0n,
      voters: 0,
    };
    s.proposals.set(id, p);
    s.changes.proposals.set(id, p);
  },
  'LivepeerGovernor.VoteCast': voteCast,
  'LivepeerGovernor.VoteCastWithParams': voteCast,
  'LivepeerGovernor.ProposalQueued': lifecycle,
  'LivepeerGovernor.ProposalExecuted': lifecycle,
  'LivepeerGovernor.ProposalCanceled': lifecycle,
};
