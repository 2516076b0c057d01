import { describe, expect, it } from 'vitest';
import { answerSpecSchema } from './mapping.js';
import { judgeAnswer, probeAnswers } from './probe.js';

const spec = (x: unknown) => answerSpecSchema.parse(x);
const amount = (wei: string, unit = 'LPT') => ({ wei, formatted: wei, unit });
const figure = (value: string, format: string, extra: object = {}) => spec({ kind: 'figure', label: 'x', endpoint: '/api/v1/x', value, format, ...extra });

describe('the honest check of one answer', () => {
  it('accepts a figure that is there, in the asked unit, and not zero', () => {
    expect(judgeAnswer(figure('a.b', 'amount', { unit: 'LPT' }), 200, { a: { b: amount('5') } })).toEqual({ ok: true, reason: null });
    expect(judgeAnswer(figure('a.b', 'amount', { unit: 'LPT' }), 200, { a: { b: amount('5', 'ETH') } })).toEqual({ ok: false, reason: 'a.b is in ETH, the question asks for LPT' });
    expect(judgeAnswer(figure('a.b', 'amount'), 200, { a: { b: amount('0') } })).toEqual({ ok: false, reason: 'a.b is zero' });
    expect(judgeAnswer(figure('a.b', 'amount', { zeroIsAnswer: true }), 200, { a: { b: amount('0') } }).ok).toBe(true);
    expect(judgeAnswer(figure('a.b', 'number'), 200, { a: { b: null } })).toEqual({ ok: false, reason: 'a.b is null' });
    expect(judgeAnswer(figure('a.c', 'number'), 200, { a: { b: 1 } })).toEqual({ ok: false, reason: 'a.c is missing' });
    expect(judgeAnswer(figure('a', 'percent'), 200, { a: '0.25' }).ok).toBe(true);
    expect(judgeAnswer(figure('a', 'text'), 200, { a: '  ' })).toEqual({ ok: false, reason: 'a is empty' });
    expect(judgeAnswer(figure('a', 'text'), 200, { a: [] })).toEqual({ ok: false, reason: 'a is an empty list' });
    expect(judgeAnswer(figure('a', 'address'), 200, { a: 'nope' })).toEqual({ ok: false, reason: 'a is not an address' });
    expect(judgeAnswer(figure('a', 'text'), 404, { error: {} })).toEqual({ ok: false, reason: '/api/v1/x answered HTTP 404' });
  });

  it('needs a chart of at least two points with one line that is not zero throughout', () => {
    const chart = spec({ kind: 'chart', label: 'x', endpoint: '/api/v1/x', x: 'round', y: [{ path: 'a', label: 'a' }, { path: 'b.formatted', label: 'b' }] });
    expect(judgeAnswer(chart, 200, { data: [{ round: 1, a: 0, b: { formatted: '1' } }] })).toEqual({ ok: false, reason: 'data holds 1 point; a series needs at least 2' });
    expect(judgeAnswer(chart, 200, { data: [{ round: 1, a: 0 }, { round: 2, a: 0 }] })).toEqual({ ok: false, reason: 'a is zero throughout; b.formatted has fewer than 2 values' });
    expect(judgeAnswer(chart, 200, { data: [{ round: 1, a: 0, b: { formatted: '0' } }, { round: 2, a: 0, b: { formatted: '2.5' } }] }).ok).toBe(true);
    expect(judgeAnswer(chart, 200, { data: [{ a: 1 }, { round: 2, a: 2 }] })).toEqual({ ok: false, reason: 'a point of data has no round' });
    expect(judgeAnswer(chart, 200, { data: 'x' })).toEqual({ ok: false, reason: 'data is not a list' });
  });

  it('needs table rows whose every column holds a value, amounts not all zero', () => {
    const table = spec({ kind: 'table', label: 'x', endpoint: '/api/v1/x', rows: 2, columns: [{ path: 'who', label: 'who', format: 'address' }, { path: 'paid', label: 'paid', format: 'amount' }, { path: 'jobs', label: 'jobs', format: 'number', sum: true }] });
    const who = `0x${'ab'.repeat(20)}`;
    expect(judgeAnswer(table, 200, { data: [] })).toEqual({ ok: false, reason: 'data is empty' });
    expect(judgeAnswer(table, 200, { data: [{ who, paid: amount('0', 'ETH'), jobs: [1] }, { who, paid: amount('0', 'ETH'), jobs: [2] }] })).toEqual({ ok: false, reason: 'column paid is zero in every shown row' });
    // Zero beyond the shown rows does not rescue the table: only what a reader sees counts.
    expect(judgeAnswer(table, 200, { data: [{ who, paid: amount('0', 'ETH'), jobs: [1] }, { who, paid: amount('0', 'ETH'), jobs: [2] }, { who, paid: amount('9', 'ETH'), jobs: [2] }] }).ok).toBe(false);
    expect(judgeAnswer(table, 200, { data: [{ who, paid: amount('0', 'ETH'), jobs: [] }, { who, paid: amount('3', 'ETH'), jobs: [0, 4] }] }).ok).toBe(true);
    expect(judgeAnswer(table, 200, { data: [{ who: null, paid: amount('3', 'ETH'), jobs: [1] }] })).toEqual({ ok: false, reason: 'column who: who is null' });
  });
});

describe('probing the answers', () => {
  it('asks each endpoint once and judges every spec, a thrown request as a failed answer', async () => {
    const asked: string[] = [];
    const specs = new Map([
      ['q/a', figure('n', 'number')],
      ['q/b', spec({ kind: 'figure', label: 'x', endpoint: '/api/v1/x', value: 'm', format: 'number' })],
      ['q/c', spec({ kind: 'figure', label: 'x', endpoint: '/api/v1/down', value: 'n', format: 'number' })],
    ]);
    const verdicts = await probeAnswers(specs, async (p) => {
      asked.push(p);
      if (p === '/api/v1/down') throw new Error('connection refused');
      return { status: 200, body: { n: 3 } };
    });
    expect(asked.sort()).toEqual(['/api/v1/down', '/api/v1/x']);
    expect(Object.fromEntries(verdicts)).toEqual({
      'q/a': { ok: true, reason: null },
      'q/b': { ok: false, reason: 'm is missing' },
      'q/c': { ok: false, reason: '/api/v1/down failed: connection refused' },
    });
  });
});
