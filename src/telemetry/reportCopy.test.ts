import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/rng.js';
import { reportsCopyPayload } from './reportCopy.js';
import type { ReportRow } from './rollup.js';

// The plain form of the payload: one string per row, dates through Date#toISOString.
const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const n = (v: number | null) => (v === null ? '\\N' : String(v));
const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00');
function reference(rows: ReportRow[], nonce: bigint): string {
  return rows
    .map((r) =>
      [
        new Date(r.finishedAt).toISOString().slice(0, 10), r.gateway, esc(r.jobId), nonce.toString(), esc(r.capability), esc(r.model), r.orchestrator, r.region,
        ts(r.startedAt), ts(r.finishedAt), n(r.queueMs), n(r.uploadMs), n(r.processingMs), n(r.downloadMs), String(r.roundTripMs), n(r.segDurationMs),
        r.success ? 't' : 'f', r.errorCode === null ? '\\N' : esc(r.errorCode), r.pricePaid.toString(), r.units.toString(),
      ].join('\t') + '\n',
    )
    .join('');
}

function randomRows(seed: string, count: number, longText: boolean): ReportRow[] {
  const rng = new Rng(seed);
  const texts = ['', 'a', 'tab\there', 'line\nbreak', 'cr\rx', 'back\\slash', 'ünïcødé ✓', '模型/名前', 'emoji 🚀'];
  const pick = () => (longText ? texts[rng.int(0, texts.length - 1)]!.repeat(rng.int(1, 400)) : texts[rng.int(0, texts.length - 1)]!);
  const maybe = (v: number) => (rng.chance(0.3) ? null : v);
  return Array.from({ length: count }, (_, i) => {
    // Spread over years, with some exactly on day and second boundaries.
    const base = 1_577_836_800_000 + rng.int(0, 3000) * 86_400_000;
    const finishedAt = rng.chance(0.2) ? base : base + rng.int(0, 86_399_999);
    const ok = rng.chance(0.7);
    return {
      gateway: `0x${'ab'.repeat(20)}`,
      jobId: `${pick()}-${i}`,
      capability: pick() || 'text-to-image',
      model: pick(),
      orchestrator: `0x${i.toString(16).padStart(40, '0')}`,
      region: 'FRA',
      startedAt: Math.max(0, finishedAt - rng.int(0, 90_000_000)),
      finishedAt,
      queueMs: maybe(rng.int(0, 9)),
      uploadMs: maybe(rng.int(0, 99_999)),
      processingMs: maybe(rng.int(10, 3_600_000)),
      downloadMs: maybe(rng.int(0, 1_000_000_000)),
      roundTripMs: rng.int(0, 3_600_000),
      segDurationMs: maybe(rng.int(0, 10)),
      success: ok,
      errorCode: ok ? null : pick(),
      pricePaid: rng.chance(0.1) ? 2n ** 255n + BigInt(i) : BigInt(rng.int(0, 1e15)),
      units: BigInt(rng.int(0, 1e9)),
    };
  });
}

describe('raw report COPY payload', () => {
  it('equals the plain string form byte for byte, escapes and NULLs included', () => {
    const rows = randomRows('copy/plain', 3000, false);
    const payload = reportsCopyPayload(rows, 18446744073709551615n);
    expect(payload.toString('utf8')).toBe(reference(rows, 18446744073709551615n));
  });

  it('grows its buffer for long multi-byte text without losing a byte', () => {
    const rows = randomRows('copy/long', 300, true);
    const payload = reportsCopyPayload(rows, 7n);
    const want = reference(rows, 7n);
    expect(payload.length).toBe(Buffer.byteLength(want));
    expect(payload.toString('utf8')).toBe(want);
  });
});
