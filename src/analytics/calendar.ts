// Protocol calendar: one timeline of contract upgrades (Controller SetContractInfo), parameter changes
// (ParameterUpdate with the value read at that block, and the value before it) and governance milestones,
// each linked to the proposal executed in the same block and to the LIPs that proposal names.
import { lipReferences } from './governance.js';

import type { ContractInfoRow } from '../read/contracts.js';
import type { ParamChangeRow } from '../read/params.js';

export type { ContractInfoRow, ParamChangeRow };

export interface ProposalMilestones {
  id: string;
  title: string;
  description: string;
  createdBlock: bigint;
  executedBlock: bigint | null;
  canceledBlock: bigint | null;
  /** Parameters the proposal's calls set (e.g. nextRoundTreasuryRewardCutRate), to attribute changes in a shared block. */
  sets?: string[];
}

/** One calendar entry; time is unix s of the block (null if unknown), round the round in force then. */
export interface CalendarEntry {
  kind: 'contract-upgrade' | 'contract-registered' | 'parameter-change' | 'proposal-created' | 'proposal-executed' | 'proposal-canceled';
  block: bigint;
  logIndex: number;
  time: number | null;
  round: bigint | null;
  title: string;
  contract: string | null;
  address: string | null;
  param: string | null;
  value: string | null;
  previousValue: string | null;
  proposalId: string | null;
  lips: number[];
}

/**
 * Builds the timeline in chain order. A SetContractInfo for a name seen before is an upgrade; the first is a
 * registration. A parameter change in the block of a proposal's execution is attributed to that proposal.
 */
export function buildCalendar(
  contracts: ContractInfoRow[],
  params: ParamChangeRow[],
  proposals: ProposalMilestones[],
  at: (block: bigint) => { time: number | null; round: bigint | null },
): CalendarEntry[] {
  const executedIn = new Map<bigint, ProposalMilestones[]>();
  for (const p of proposals) if (p.executedBlock !== null) executedIn.set(p.executedBlock, [...(executedIn.get(p.executedBlock) ?? []), p]);
  // Several proposals can execute in one block: the one that sets the parameter wins, else a lone one.
  const cause = (block: bigint, param: string | null): ProposalMilestones | undefined => {
    const ps = executedIn.get(block) ?? [];
    return (param ? ps.find((p) => p.sets?.includes(param)) : undefined) ?? (ps.length === 1 ? ps[0] : undefined);
  };
  const out: CalendarEntry[] = [];
  const base = (block: bigint, logIndex: number) => ({ block, logIndex, ...at(block), contract: null, address: null, param: null, value: null, previousValue: null, proposalId: null, lips: [] as number[] });

  const seen = new Set<string>();
  for (const c of [...contracts].sort(chainOrder)) {
    const name = c.name ?? c.id;
    const upgrade = seen.has(name);
    seen.add(name);
    const p = cause(c.block, null);
    out.push({
      ...base(c.block, c.logIndex),
      kind: upgrade ? 'contract-upgrade' : 'contract-registered',
      title: `${name} ${upgrade ? 'upgraded to' : 'registered at'} ${c.address} (commit ${c.gitCommitHash.slice(0, 10)})`,
      contract: name,
      address: c.address,
      value: c.gitCommitHash,
      proposalId: p?.id ?? null,
      lips: p ? lipReferences(p.description) : [],
    });
  }
  const last = new Map<string, string | null>();
  for (const c of [...params].sort(chainOrder)) {
    const key = `${c.contract}.${c.param}`;
    const prev = last.has(key) ? last.get(key)! : null;
    last.set(key, c.value);
    const p = cause(c.block, c.param);
    out.push({
      ...base(c.block, c.logIndex),
      kind: 'parameter-change',
      title: `${c.contract}.${c.param} = ${c.value ?? '(unknown)'}`,
      contract: c.contract,
      param: c.param,
      value: c.value,
      previousValue: prev,
      proposalId: p?.id ?? null,
      lips: p ? lipReferences(p.description) : [],
    });
  }
  for (const p of proposals) {
    const lips = lipReferences(p.description);
    out.push({ ...base(p.createdBlock, -1), kind: 'proposal-created', title: `Proposed: ${p.title}`, proposalId: p.id, lips });
    if (p.executedBlock !== null) out.push({ ...base(p.executedBlock, 1_000_000), kind: 'proposal-executed', title: `Executed: ${p.title}`, proposalId: p.id, lips });
    if (p.canceledBlock !== null) out.push({ ...base(p.canceledBlock, 1_000_000), kind: 'proposal-canceled', title: `Canceled: ${p.title}`, proposalId: p.id, lips });
  }
  return out.sort(chainOrder);
}

function chainOrder(a: { block: bigint; logIndex: number }, b: { block: bigint; logIndex: number }): number {
  return a.block < b.block ? -1 : a.block > b.block ? 1 : a.logIndex - b.logIndex;
}
