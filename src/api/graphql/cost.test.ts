import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryCost } from './cost.js';

// A small subgraph-shaped schema: list fields take `first` (default 100); one list field has none.
const schema = buildSchema(`
  interface Event { id: ID!, round: Round }
  type Round { id: ID!, events(first: Int = 100): [Event!]! }
  type BondEvent implements Event { id: ID!, round: Round, delegator: Delegator }
  type RewardEvent implements Event { id: ID!, round: Round, delegate: Transcoder }
  type Delegator { id: ID!, delegate: Transcoder, bondedAmount: String, unbondingLocks: [Lock!] }
  type Lock { id: ID!, amount: String }
  type Transcoder { id: ID!, totalStake: String, delegators(first: Int = 100, skip: Int = 0): [Delegator!], tags: [String!] }
  type Query {
    transcoders(first: Int = 100, skip: Int = 0): [Transcoder!]!
    transcoder(id: ID!): Transcoder
    events(first: Int = 100): [Event!]!
  }
`);

const cost = (q: string, variables?: Record<string, unknown>, operationName?: string) => queryCost(schema, parse(q), { variables, operationName, unboundedListSize: 50 });

describe('GraphQL query cost: objects a query may produce, each list multiplying what is below it by its `first`', () => {
  it('counts objects, not scalars; a single object costs one', () => {
    expect(cost('{ transcoder(id: "a") { id totalStake tags } }')).toBe(1);
    expect(cost('{ transcoders(first: 10) { id totalStake } }')).toBe(10);
    expect(cost('{ transcoders { id } }')).toBe(100); // the argument's default
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies nested lists down the tree (the attack of issue 20 costs a billion)', () => {
    expect(cost('{ transcoders(first: 10) { delegators(first: 5) { id } } }')).toBe(10 * (1 + 5));
    expect(cost('{ transcoders(first: 1000) { delegators(first: 1000) { delegate { delegators(first: 1000) { id } } } } }')).toBe(1000 * (1 + 1000 * (1 + 1 + 1000)));
    // A list without `first`: the configured bound.
    expect(cost('{ transcoder(id: "a") { delegators(first: 2) { unbondingLocks { id } } } }')).toBe(1 + 2 * (1 + 50));
  });

  it('counts every alias, and takes `first` from variables, their defaults and the schema default', () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: transcoders(first: 1000) { id }`).join(' ');
    expect(cost(`{ ${aliases} }`)).toBe(1_000_000);
    expect(cost('query q($n: Int) { transcoders(first: $n) { id } }', { n: 7 })).toBe(7);
    expect(cost('query q($n: Int = 3) { transcoders(first: $n) { id } }')).toBe(3);
    expect(cost('query q($n: Int) { transcoders(first: $n) { id } }')).toBe(100);
  });

  it('expands fragments and inline fragments (each spread counts), including fragments of fragments', () => {
    const q = `
      fragment D on Delegator { id delegate { id } }
      fragment T on Transcoder { delegators(first: 4) { ...D } }
      { transcoders(first: 3) { ...T ...T } events(first: 2) { ... on BondEvent { delegator { ...D } } ... on RewardEvent { delegate { id } } } }`;
    // transcoders: 3 × (1 + 2 × 4 × (1 + 1)); events: 2 × (1 + the dearer of (1 + 1) and 1): an event is one type
    expect(cost(q)).toBe(3 * (1 + 2 * 4 * 2) + 2 * (1 + 2));
  });

  it('costs fragments on different types of an interface as alternatives, fragments on one type in full', () => {
    // The Explorer's activity feed selects a few fields on each of thirty event types: one type per event is paid.
    const many = Array.from({ length: 30 }, () => '... on BondEvent { delegator { id } } ... on RewardEvent { delegate { id } round { id } }').join(' ');
    expect(cost(`{ events(first: 10) { round { id } ${many} } }`)).toBe(10 * (1 + 1 + 30 * 2));
    expect(cost('{ events(first: 10) { ... on BondEvent { delegator { id } } ... on RewardEvent { delegate { id } round { id } } } }')).toBe(10 * (1 + 2));
  });

  it('stays linear on fragments spread exponentially (each fragment is costed once)', () => {
    const levels = 40;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Transcoder { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'id'} }`).join('\n');
    const started = performance.now();
    const c = cost(`${frags}\n{ transcoder(id: "a") { ...F0 } }`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(c).toBe(1);
    // A fragment cycle (invalid, refused by validation) does not hang the cost.
    expect(cost('fragment A on Transcoder { delegators(first: 2) { delegate { ...A } } } { transcoder(id: "x") { ...A } }')).toBeGreaterThan(0);
  });

  it('picks the named operation of a document', () => {
    const doc = 'query small { transcoder(id: "a") { id } } query big { transcoders(first: 500) { id } }';
    expect(cost(doc, undefined, 'small')).toBe(1);
    expect(cost(doc, undefined, 'big')).toBe(500);
  });
});
