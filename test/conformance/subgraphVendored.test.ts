import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../helpers/sharedDir.mjs';

// The default suite tests /graphql against the vendored subgraph schema and Explorer operations
// (test/subgraph.test.ts); here the vendored copies are checked against the reference material they came from.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const graphqlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();

describe('vendored subgraph material', () => {
  it('the subgraph schema equals ../shared/livepeer-subgraph/schema.graphql', () => {
    expect(readFileSync(path.join(repo, 'vendor/livepeer-subgraph/schema.graphql'), 'utf8')).toBe(readFileSync(sharedPath('livepeer-subgraph', 'schema.graphql'), 'utf8'));
  });

  it('the Explorer operations equal ../shared/livepeer-explorer-queries, file for file', () => {
    const shared = sharedPath('livepeer-explorer-queries');
    const vendored = path.join(repo, 'vendor/livepeer-explorer-queries');
    expect(graphqlFiles(vendored)).toEqual(graphqlFiles(shared));
    for (const f of [...graphqlFiles(shared), 'LICENSE']) expect(readFileSync(path.join(vendored, f), 'utf8'), f).toBe(readFileSync(path.join(shared, f), 'utf8'));
  });
});
