import { encodeFunctionData, parseAbi, toHex, type Address } from 'viem';
import type { Action } from '../actions.js';
import type { MinedTx } from '../driver.js';
import type { RoundPlan, SimRun } from '../run.js';

const pollAbi = parseAbi(['function vote(uint256 _choiceID)']);

/** Legacy polls: one every other governance period, votes over the next round, some voters change their mind. */
export function planPolls(run: SimRun, plan: RoundPlan): void {
  const s = run.scenario;
  const { pollRng } = run;
  const { k, r, B, slots } = plan;
  if (s.proposalEvery > 0 && k >= 2 && (k - 2) % (2 * s.proposalEvery) === 0 && k + 4 <= run.horizon) {
    const creator = run.topOrchestrators(1)[0]!;
    const index = run.polls.length;
    // Turnout differs per poll, so some reach quorum and some do not.
    const orchVoters = run.topOrchestrators(index % 2 === 0 ? 14 : 6).filter(() => pollRng.chance(0.7));
    const bonded = [...run.delViews.values()].filter((v) => v.bonded > 0n && v.delegate !== null && !run.orchViews.has(v.address));
    const delVoters = Array.from({ length: Math.min(12, bonded.length) }, () => bonded[pollRng.int(0, bonded.length - 1)]!.address);
    run.polls.push({ index, createdRound: r, address: null, voters: [...new Set([...orchVoters, ...delVoters])] });
    const proposal = toHex(`lip-poll-${index}:${s.seed}`);
    slots[1]!.push(run.tx(creator, 'PollCreator', 'createPoll', [proposal], { kind: 'poll', what: 'create', poll: index }));
  }
  for (const p of run.polls) {
    // The poll's address is known once its creation is mined; its voters vote in the round after.
    if (p.address === null || r !== p.createdRound + 1) continue;
    for (const voter of p.voters) {
      const first = pollRng.int(2, Math.max(2, B - 3));
      const votes = [[first, pollRng.chance(0.6) ? 0 : 1]];
      // A fifth change their mind later in the round: the last vote counts.
      if (pollRng.chance(0.2)) votes.push([pollRng.int(first + 1, B - 1), pollRng.chance(0.5) ? 0 : 1]);
      for (const [b, choice] of votes) {
        slots[b!]!.push({ from: voter, to: p.address, data: encodeFunctionData({ abi: pollAbi, functionName: 'vote', args: [BigInt(choice!)] }), tag: { kind: 'poll', what: 'vote', poll: p.index, voter, choice } });
      }
    }
  }
}

/** Note the addresses of polls whose creation was mined. */
export function recordPolls(run: SimRun, res: MinedTx<Action>[]): void {
  for (const m of res) {
    if (m.ok && m.tx.tag.kind === 'poll' && m.tx.tag.what === 'create' && m.logs[0]?.topics[1]) {
      run.polls[m.tx.tag.poll]!.address = `0x${m.logs[0].topics[1].slice(26)}` as Address;
    }
  }
}
