/**
 * Import rules of src/ (npm run check:imports, run by .ci/run): no cycles, and no folder importing a folder of
 * a higher layer. Layers, lowest first (a folder may import its own layer's siblings only where named below):
 *   0 base                                   errors, logger, clock
 *   1 chain, protocol, store                 ABIs and RPC, pure protocol math, database
 *   2 read, sync, projections, prices,       read model; sync engine; event → state; price feeds;
 *     market, sim                            the LPT market (Uniswap V3 pools, bridge); the simulator
 *   3 telemetry                              gateway telemetry
 *   4 analytics, registry, discovery, needs  read-side computations; capability registry; orchestrator discovery;
 *                                            data-needs map
 *   5 api, demo                              HTTP: REST, GraphQL, SSE; the living demo network (simulator, telemetry,
 *                                            adverts, discovery's nodes, signed statements)
 *   6 cli                                    the atlas command
 * Tests and test kits are exempt from the layer rules (they may wire any layers together) but not from the cycle rule.
 */
const LAYERS = [['base'], ['chain', 'protocol', 'store'], ['read', 'sync', 'projections', 'prices', 'market', 'sim'], ['telemetry'], ['analytics', 'registry', 'discovery', 'needs'], ['api', 'demo'], ['cli']];

/** Same-layer imports that are part of the design (from → to). */
const SIBLINGS = [
  ['projections', 'sync'],
  ['projections', 'prices'],
  ['prices', 'sync'],
  ['sim', 'prices'],
  // The market's pool events are a projection extension: the indexer runs it, it writes through the projector's writer.
  ['projections', 'market'],
  ['market', 'projections'],
  ['market', 'sync'],
  ['sim', 'market'],
  ['discovery', 'registry'],
];

const layerRules = [];
LAYERS.forEach((layer, i) => {
  const higher = LAYERS.slice(i + 1).flat();
  for (const from of layer) {
    const same = layer.filter((x) => x !== from && !SIBLINGS.some(([f, t]) => f === from && t === x));
    const banned = [...higher, ...same];
    if (banned.length === 0) continue;
    layerRules.push({
      name: `layer-${from}`,
      comment: `src/${from} (layer ${i}) may not import ${banned.join(', ')}`,
      severity: 'error',
      from: { path: `^src/${from}/`, pathNot: '(\\.test\\.ts$|/testkit/)' },
      to: { path: `^src/(${banned.join('|')})/` },
    });
  }
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other (through type imports too) cannot be understood or tested alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'api-reads-through-read-model',
      comment: 'The API reads through src/read (and the domain layers), never the storage layer: its row types and SQL stay below it.',
      severity: 'error',
      from: { path: '^src/api/', pathNot: '(\\.test\\.ts$|/testkit/)' },
      to: { path: '^src/store/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|web|bench/ponder)' },
  },
};
