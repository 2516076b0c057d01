import { entityList, eventInterface } from '../../read/subgraph/entities.js';
import { isColumnField, type EntityDef, type Field, type ScalarKind } from '../../read/subgraph/fields.js';
import { filterOps } from '../../read/subgraph/query.js';
import { economicsQuerySdl, economicsSdl } from './economics.js';
import { treasuryQuerySdl, treasurySdl } from '../routes/treasuryGraphql.js';

// The SDL of /graphql: the subgraph's types and every input graph-node generates for them (filters, orderBy,
// block, paging), then Atlas's own types and queries.

const GQL_TYPE: Record<ScalarKind, string> = { id: 'ID', string: 'String', bigint: 'BigInt', bigdecimal: 'BigDecimal', int: 'Int', bool: 'Boolean', bytes: 'Bytes' };

function scalarType(f: Field): string | null {
  if (f.kind === 'ref') return 'String';
  if (!isColumnField(f)) return null;
  return f.enumType ?? GQL_TYPE[f.kind];
}

function outputType(f: Field): string {
  if (f.kind === 'ref') return `${f.target}${f.nonNull ? '!' : ''}`;
  if (f.kind === 'list') return `[${f.target}!]${f.nonNull ? '!' : ''}`;
  if (f.kind === 'computed') return f.type;
  return `${f.enumType ?? GQL_TYPE[f.kind]}${f.nonNull ? '!' : ''}`;
}

const desc = (text: string | undefined, indent = '  ') => (text ? `${indent}${JSON.stringify(text)}\n` : '');

const listArgs = (e: string) =>
  `skip: Int = 0, first: Int = 100, orderBy: ${e}_orderBy, orderDirection: OrderDirection, where: ${e}_filter, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny`;
const nestedListArgs = (e: string) => `skip: Int = 0, first: Int = 100, orderBy: ${e}_orderBy, orderDirection: OrderDirection, where: ${e}_filter`;

function filterSdl(e: EntityDef): string {
  const lines: string[] = [];
  for (const [name, f] of Object.entries(e.fields)) {
    const t = scalarType(f);
    if (t && isColumnField(f)) {
      for (const op of filterOps(f)) lines.push(op === '_in' || op === '_not_in' ? `  ${name}${op}: [${t}!]` : `  ${name}${op}: ${t}`);
    }
    if (f.kind === 'ref' || f.kind === 'list') lines.push(`  ${name}_: ${f.target}_filter`);
  }
  lines.push('  "Filter for the block changed event."', '  _change_block: BlockChangedFilter', `  and: [${e.name}_filter]`, `  or: [${e.name}_filter]`);
  return `input ${e.name}_filter {\n${lines.join('\n')}\n}`;
}

function orderBySdl(e: EntityDef, byName: Map<string, EntityDef>): string {
  const values: string[] = [];
  for (const [name, f] of Object.entries(e.fields)) {
    if (f.kind === 'computed') continue;
    values.push(name);
    if (f.kind === 'ref') {
      const t = byName.get(f.target);
      for (const [sub, tf] of Object.entries(t?.fields ?? {})) if (isColumnField(tf) && tf.kind !== 'ref') values.push(`${name}__${sub}`);
    }
  }
  return `enum ${e.name}_orderBy {\n${values.map((v) => `  ${v}`).join('\n')}\n}`;
}

function entitySdl(e: EntityDef, byName: Map<string, EntityDef>, isInterface = false): string {
  const fields = Object.entries(e.fields)
    .map(([name, f]) => `${desc('description' in f ? f.description : undefined)}  ${name}${f.kind === 'list' ? `(${nestedListArgs(f.target)})` : ''}: ${outputType(f)}`)
    .join('\n');
  const head = isInterface ? `interface ${e.name}` : `type ${e.name}${e.implements ? ` implements ${e.implements}` : ''}`;
  return `${desc(e.description, '')}${head} {\n${fields}\n}\n${filterSdl(e)}\n${orderBySdl(e, byName)}`;
}

const PROTOCOL_SDL = `
"""Livepeer protocol global parameters (id "0")."""
type Protocol {
  id: ID!
  inflation: BigInt!
  inflationChange: BigInt!
  numActiveTranscoders: BigInt!
  activeTranscoderCount: BigInt!
  paused: Boolean!
  targetBondingRate: BigInt!
  unbondingPeriod: BigInt!
  lockPeriod: BigInt!
  roundLockAmount: BigInt!
  totalActiveStake: BigDecimal!
  totalVolumeETH: BigDecimal!
  totalVolumeUSD: BigDecimal!
  participationRate: BigDecimal!
  currentRound: Round!
  lastInitializedRound: Round!
  lastRoundLengthUpdateRound: Round!
  roundLength: BigInt!
  lastRoundLengthUpdateStartBlock: BigInt!
  totalSupply: BigDecimal!
  "LPT price in ETH from the LPT/WETH pool's last swap (null where Atlas indexes no pool price)"
  lptPriceEth: BigDecimal
  winningTicketCount: Int!
  roundCount: Int!
  pendingActivation: [Transcoder!]!
  pendingDeactivation: [Transcoder!]!
  delegatorsCount: BigInt!
  "Atlas: accounts with stake bonded now (delegatorsCount follows the subgraph, which counts Bond, Rebond and Unbond events)"
  bondedDelegatorCount: BigInt!
  activeBroadcasters: [String!]!
  "Atlas: the treasury's LPT balance"
  treasuryBalance: BigDecimal
}
input Protocol_filter { id: ID, id_not: ID, id_in: [ID!], id_not_in: [ID!], and: [Protocol_filter], or: [Protocol_filter] }
enum Protocol_orderBy { id }`;

export function buildSdl(): string {
  const all = [...entityList, eventInterface];
  const byName = new Map(all.map((e) => [e.name, e]));
  const queries = [...entityList, eventInterface]
    .map((e) => `  ${e.single}(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): ${e.name}\n  ${e.plural}(${listArgs(e.name)}): [${e.name}!]!`)
    .join('\n');
  return `
scalar BigInt
scalar BigDecimal
scalar Bytes
scalar Int8
scalar Timestamp
enum OrderDirection { asc desc }
enum _SubgraphErrorPolicy_ { allow deny }
enum Aggregation_interval { hour day }
input Block_height { hash: Bytes, number: Int, number_gte: Int }
input BlockChangedFilter { number_gte: Int! }
type _Block_ { number: Int!, hash: Bytes, timestamp: Int, parentHash: Bytes }
type _Meta_ { block: _Block_!, deployment: String!, hasIndexingErrors: Boolean! }
enum TranscoderStatus { NotRegistered Registered }
enum PollChoice { Yes No }
enum TreasuryVoteSupport { Against For Abstain }
${PROTOCOL_SDL}

${entitySdl(eventInterface, byName, true)}

${entityList.map((e) => entitySdl(e, byName)).join('\n\n')}
${treasurySdl}
${economicsSdl}

type Query {
  protocol(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): Protocol
  protocols(skip: Int = 0, first: Int = 100, orderBy: Protocol_orderBy, orderDirection: OrderDirection, where: Protocol_filter, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): [Protocol!]!
${queries}
${treasuryQuerySdl}
${economicsQuerySdl}
  _meta(block: Block_height): _Meta_
}
`;
}
