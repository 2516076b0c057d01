import { encodeFunctionData, keccak256, toBytes, type Address, type Hex } from 'viem';
import { SIM_OPERATOR } from '../deploy.js';
import type { MinedTx } from '../driver.js';
import type { Action } from '../actions.js';
import type { RoundSummary } from '../groundTruth.js';
import { units } from '../rng.js';
import type { PlannedProposal, ProposalKind, RoundPlan, SimRun } from '../run.js';

/**
 * Treasury governance: proposals on a schedule (grants that pass, fail, miss quorum or are overridden by
 * delegators; restoring the treasury cut once it was switched off), votes in the voting window, and queue and
 * execute through the timelock for what passed.
 */
export async function planGovernance(run: SimRun, plan: RoundPlan): Promise<void> {
  if (!run.features.governance) return;
  const s = run.scenario;
  const { k, r, slots, summary } = plan;
  // A proposal made in round r can be voted on from r + votingDelay + 1 through r + votingDelay + votingPeriod.
  const decided = run.params.votingDelay + run.params.votingPeriod + 1;
  if (s.proposalEvery > 0 && k >= 3 && (k - 3) % s.proposalEvery === 0 && k + decided <= run.horizon + 1) {
    const kinds: ProposalKind[] = ['fail', 'override', 'pass', 'no-quorum'];
    const scheduled = kinds[run.scheduledProposals++ % kinds.length]!;
    const restoring = run.proposals.some((p) => p.kind === 'restore-cut' && !p.done);
    const wanted: ProposalKind[] = summary.treasuryRewardCutRate === 0n && !restoring ? [scheduled, 'restore-cut'] : [scheduled];
    const proposer = run.topOrchestrators(1)[0]!;
    for (const kind of wanted) {
      const p = planProposal(run, run.proposals.length, kind, r, summary);
      if (!p) continue;
      run.proposals.push(p);
      slots[1]!.push(run.tx(proposer, 'LivepeerGovernor', 'propose', [p.targets, p.values, p.calldatas, p.description], { kind: 'governance', what: 'propose', proposal: p.index }));
    }
  }
  const A = run.d.addresses;
  for (const p of run.proposals) {
    if (p.done || p.id === null) continue;
    for (const v of p.votes.filter((x) => x.round === r)) {
      slots[2]!.push(run.tx(v.voter, 'LivepeerGovernor', 'castVoteWithReason', [p.id, v.support, v.reason], { kind: 'governance', what: 'vote', proposal: p.index, voter: v.voter, support: v.support }));
    }
    if (r === p.createdRound + decided) {
      const [st] = await run.rpc.reads<number>([{ address: A.LivepeerGovernor, abi: run.d.abis.LivepeerGovernor, functionName: 'state', args: [p.id] }]);
      if (st === 4) {
        const q = [p.targets, p.values, p.calldatas, p.descriptionHash] as const;
        slots[1]!.push(run.tx(SIM_OPERATOR, 'LivepeerGovernor', 'queue', q, { kind: 'governance', what: 'queue', proposal: p.index }));
        slots[2]!.push(run.tx(SIM_OPERATOR, 'LivepeerGovernor', 'execute', q, { kind: 'governance', what: 'execute', proposal: p.index, effect: p.effect }));
      }
      p.done = true;
    }
  }
}

/** Note the ids of proposals whose creation was mined. */
export function recordProposals(run: SimRun, res: MinedTx<Action>[]): void {
  for (const m of res) {
    if (m.ok && m.tx.tag.kind === 'governance' && m.tx.tag.what === 'propose') {
      const p = run.proposals[m.tx.tag.proposal]!;
      p.id = m.logs[0] ? BigInt(`0x${m.logs[0].data.slice(2, 66)}`) : 0n;
    }
  }
}

function planProposal(run: SimRun, index: number, kind: ProposalKind, r: number, summary: RoundSummary): PlannedProposal | null {
  const { rng, population, params, d } = run;
  const A = d.addresses;
  const grantee = population.grantRecipients[index % population.grantRecipients.length]!;
  const amount = units(rng.int(10, 60) * 1000);
  const targets: Address[] = [kind === 'restore-cut' ? A.BondingManager : A.LivepeerToken];
  const calldatas: Hex[] = [
    kind === 'restore-cut'
      ? encodeFunctionData({ abi: d.abis.BondingManager, functionName: 'setTreasuryRewardCutRate', args: [params.treasuryRewardCutRate] })
      : encodeFunctionData({ abi: d.abis.LivepeerToken, functionName: 'transfer', args: [grantee, amount] }),
  ];
  if (kind !== 'restore-cut' && summary.treasuryBalance < amount) return null;
  const description =
    kind === 'restore-cut'
      ? `# LIP-101: restore the treasury reward cut to 10%\nProposal ${index} (round ${r}).`
      : `# SPE grant ${index}: ${Number(amount / 10n ** 18n)} LPT\nFunds a special purpose entity for one quarter (round ${r}).`;
  const ranked = run.topOrchestrators(60);
  const votes: PlannedProposal['votes'] = [];
  const voteRound = () => r + params.votingDelay + 1 + rng.int(0, Math.min(2, params.votingPeriod - 1));
  const reasons = ['', '', 'Aligned with the roadmap', 'Budget too large', 'Needs more detail'];
  const add = (voter: Address, support: number) => votes.push({ voter, round: voteRound(), support, reason: rng.pick(reasons) });
  if (kind === 'pass' || kind === 'restore-cut') {
    for (const o of ranked.slice(0, 40)) if (rng.chance(0.75)) add(o, rng.chance(0.85) ? 1 : rng.chance(0.5) ? 0 : 2);
  } else if (kind === 'fail') {
    for (const o of ranked.slice(0, 40)) if (rng.chance(0.75)) add(o, rng.chance(0.8) ? 0 : 1);
  } else if (kind === 'no-quorum') {
    for (const o of ranked.slice(30, 33)) add(o, 1);
  } else {
    // Override: half the top orchestrators vote for, and some of their delegators vote against.
    for (const [i, o] of ranked.slice(0, 12).entries()) add(o, i % 2 === 0 ? 1 : 0);
    const forVoters = new Set(votes.filter((v) => v.support === 1).map((v) => v.voter.toLowerCase()));
    for (const dv of run.delViews.values()) {
      if (dv.delegate && forVoters.has(dv.delegate.toLowerCase()) && dv.bonded > 0n && rng.chance(0.35)) add(dv.address, 0);
    }
  }
  return {
    index,
    id: null,
    kind,
    targets,
    values: [0n],
    calldatas,
    description,
    descriptionHash: keccak256(toBytes(description)),
    createdRound: r,
    votes,
    done: false,
    effect: kind === 'restore-cut' ? { treasuryRewardCutRate: params.treasuryRewardCutRate } : { grant: { to: grantee, amount } },
  };
}
