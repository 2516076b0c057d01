import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../src/api/openapi.js';
import { telemetryRoutes } from '../src/api/routes/telemetry.js';

describe('telemetry routes in OpenAPI', () => {
  it('documents the leaderboard paths at /api/… and the signed ingest bodies', () => {
    const doc = buildOpenApi(telemetryRoutes) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    for (const p of ['/api/aggregated_stats', '/api/raw_stats', '/api/top_ai_score', '/api/pipelines', '/api/regions', '/api/v1/telemetry/perf-scores']) expect(doc.paths[p]?.get, p).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/telemetry/reports']!.post!.requestBody!.content)).toEqual(['application/json']);
    expect(Object.keys(doc.paths['/api/v1/telemetry/events']!.post!.requestBody!.content)).toEqual(['application/x-ndjson', 'application/jsonl', 'application/json-lines']);
  });
});
