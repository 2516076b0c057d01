import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

const cell = (v: unknown) => toCsv(['h'], [[v]]).split('\r\n')[1];

describe('CSV cells (OWASP CSV injection rule)', () => {
  it('quote-prefixes every text cell that starts with = + - @ tab or CR', () => {
    expect(cell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(cell("-1+cmd|' /C calc'!A0")).toBe("'-1+cmd|' /C calc'!A0");
    expect(cell('+1+1')).toBe("'+1+1");
    expect(cell('-2+3')).toBe("'-2+3");
    expect(cell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(cell('\tx')).toBe("'\tx");
    expect(cell('\r=1')).toBe(`"'\r=1"`);
    expect(cell('-10e3')).toBe("'-10e3");
    expect(cell('- 1')).toBe("'- 1");
  });

  it('leaves plain numbers (a signed decimal and nothing else) and ordinary text as they are', () => {
    expect(cell('-12.5')).toBe('-12.5');
    expect(cell(-3)).toBe('-3');
    expect(cell('1000')).toBe('1000');
    expect(cell('https://a.example:8935')).toBe('https://a.example:8935');
    expect(cell('a,b')).toBe('"a,b"');
    expect(cell(null)).toBe('');
  });
});
