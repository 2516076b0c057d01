import { describe, expect, it } from 'vitest';
import { BudgetTextError, parseBudgetText } from './budgetText.js';

const fails = (text: string) => {
  try {
    parseBudgetText(text);
  } catch (e) {
    if (e instanceof BudgetTextError) return `${e.line}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a BudgetTextError');
};

describe('budget text', () => {
  it('keeps YAML plain scalars as text, reads JSON numbers as numbers, and records each value line', () => {
    const y = parseBudgetText('a: 12500.5\r\nb: 0x12\r\nc:\r\n  - {d: 1, e: [x, y]}\r\nf:\r\ng: ~\r\nh: true\r\n');
    expect(y.value).toEqual({ a: '12500.5', b: '0x12', c: [{ d: '1', e: ['x', 'y'] }], f: null, g: null, h: true });
    expect(Object.fromEntries(y.lines)).toEqual({ '': 1, a: 1, b: 2, c: 4, 'c/0': 4, 'c/0/d': 4, 'c/0/e': 4, 'c/0/e/0': 4, 'c/0/e/1': 4, f: 5, g: 6, h: 7 });
    const j = parseBudgetText('{\n  "a": 1,\n  "b": ["2", null, false]\n}');
    expect(j.value).toEqual({ a: 1, b: ['2', null, false] });
    expect(j.lines.get('b/2')).toBe(3);
  });

  it('names the first problem and the line to look at', () => {
    expect(fails('a: 1\nb: *x\n')).toBe('2: anchors, aliases and tags are not supported');
    expect(fails('a: !!int 3\n')).toBe('1: anchors, aliases and tags are not supported');
    expect(fails('a: >\n  folded\n')).toBe('1: block scalars (| and >) are not supported; use a quoted string');
    expect(fails('a: 1\n---\nb: 2\n')).toBe('2: only one YAML document per file');
    expect(fails('a: b: c\n')).toBe('1: a nested mapping must start on its own line');
    expect(fails('a:\n  b: 1\n   c: 2\n')).toBe('3: unexpected indentation');
    expect(fails("a: 1\nb: 'open\nc: 2\n")).toBe('2: unterminated quoted string');
    expect(fails('a: "x\\q"\n')).toBe('1: invalid escape in a double-quoted string');
    expect(fails('a:\n  - 1\n  - 2\n  - 1\nb: 1\nb: 2\n')).toBe('6: duplicate key "b"');
    expect(fails('? [a]\n: 1\n')).toBe('1: a key must be text');
    expect(fails('[1, 2\n')).toBe('2: flow sequence must end with a ]');
    expect(fails('  # nothing\n')).toBe('1: the file is empty');
  });
});
