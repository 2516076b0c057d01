// Reads a budget file (JSON or a documented YAML subset) into plain values plus the source line of every
// value, so schema errors can point at file:line. No YAML library ships with Atlas; the subset below covers
// what a budget needs and rejects everything else with the line it stopped at.
//
// YAML subset: `key: value` mappings and `- item` sequences nested by indentation (spaces only), `- key: v`
// items whose further keys align under the first, flow sequences `[a, b]` of scalars, `#` comments,
// plain / 'single' / "double" quoted scalars. Plain scalars stay strings (amounts must not pass through
// floating point) except true/false/null and `[]`/`{}`. Anchors, tags, multi-line and block scalars,
// flow mappings and multi-document streams are refused.
import { AtlasError } from '../base/errors.js';

/** A parsed value: JSON-like, numbers kept as their source text when read from YAML. */
export type TextValue = string | number | boolean | null | TextValue[] | { [key: string]: TextValue };

/** A parse failure at a 1-based line. */
export class BudgetTextError extends AtlasError {
  override name = 'BudgetTextError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super('unprocessable', message);
  }
}

/** Parsed value and the 1-based line where each path (keys joined by "/") starts; "" is the root. */
export interface ParsedText {
  value: TextValue;
  lines: Map<string, number>;
}

/** Parses JSON (first non-blank character `{` or `[`) or the YAML subset; throws BudgetTextError. */
export function parseBudgetText(text: string): ParsedText {
  const first = /\S/.exec(text);
  if (first && (first[0] === '{' || first[0] === '[')) return parseJsonWithLines(text);
  return parseYamlSubset(text);
}

/** JSON path key of a child. */
export const childPath = (parent: string, key: string | number): string => (parent === '' ? String(key) : `${parent}/${key}`);

// ------------------------------------------------------------------ JSON with line numbers

function parseJsonWithLines(text: string): ParsedText {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new BudgetTextError(line, msg);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('unterminated string');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('invalid escape in string');
    }
  };
  const value = (path: string): TextValue => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if (c === undefined) return fail('unexpected end of file');
    if (c === '{') {
      i++;
      const out: Record<string, TextValue> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a quoted key');
        const k = str();
        if (Object.hasOwn(out, k)) fail(`duplicate key "${k}"`);
        ws();
        if (text[i] !== ':') fail(`expected ":" after key "${k}"`);
        i++;
        out[k] = value(childPath(path, k));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const out: TextValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(childPath(path, out.length)));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) return fail(`unexpected character ${JSON.stringify(c)}`);
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  };
  const v = value('');
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return { value: v, lines };
}

// ------------------------------------------------------------------ YAML subset

interface Line {
  no: number;
  indent: number;
  text: string; // without indentation and trailing comment
}

function stripComment(s: string, no: number): string {
  let q: string | null = null;
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      if (k === 0 || /[\s:[,-]/.test(s[k - 1]!)) q = c;
    } else if (c === '#' && (k === 0 || /\s/.test(s[k - 1]!))) return s.slice(0, k).trimEnd();
  }
  if (q) throw new BudgetTextError(no, 'unterminated quoted string');
  return s.trimEnd();
}

function scalar(raw: string, no: number): TextValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === '[]') return [];
  if (s === '{}') return {};
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new BudgetTextError(no, 'unterminated double-quoted string');
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new BudgetTextError(no, 'invalid double-quoted string');
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new BudgetTextError(no, 'unterminated single-quoted string');
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[&*!]/.test(s)) throw new BudgetTextError(no, 'anchors, aliases and tags are not supported');
  if (/^[|>]/.test(s)) throw new BudgetTextError(no, 'block scalars (| and >) are not supported; use a quoted string');
  if (s.startsWith('{')) throw new BudgetTextError(no, 'flow mappings ({...}) are not supported; use an indented mapping');
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new BudgetTextError(no, 'unterminated flow sequence');
    const inner = s.slice(1, -1).trim();
    if (inner === '') return [];
    if (/[[\]{}]/.test(inner)) throw new BudgetTextError(no, 'nested flow collections are not supported');
    return inner.split(',').map((x) => scalar(x, no));
  }
  return s;
}

/** Splits `key: rest` (key plain or quoted); null when the text is not a mapping entry. */
function splitKey(s: string, no: number): { key: string; rest: string } | null {
  let key: string;
  let after: string;
  if (s.startsWith('"') || s.startsWith("'")) {
    const q = s[0]!;
    const end = s.indexOf(q, 1);
    if (end < 0) throw new BudgetTextError(no, 'unterminated quoted key');
    key = q === '"' ? (JSON.parse(s.slice(0, end + 1)) as string) : s.slice(1, end);
    after = s.slice(end + 1);
    if (!after.startsWith(':')) return null;
  } else {
    const m = /^([^\s:#][^:#]*?)\s*:(?=\s|$)/.exec(s);
    if (!m) return null;
    key = m[1]!;
    after = s.slice(m[0].length - 1);
  }
  return { key, rest: after.slice(1).trim() };
}

function parseYamlSubset(text: string): ParsedText {
  const all: Line[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const no = idx + 1;
    if (/^\s*\t/.test(raw)) throw new BudgetTextError(no, 'tabs are not allowed for indentation; use spaces');
    const body = stripComment(raw, no);
    if (body.trim() === '') return;
    if (/^(---|\.\.\.)\s*$/.test(body)) {
      if (all.length > 0) throw new BudgetTextError(no, 'only one YAML document per file');
      return;
    }
    const indent = body.length - body.trimStart().length;
    all.push({ no, indent, text: body.trim() });
  });
  const lines = new Map<string, number>();
  if (all.length === 0) throw new BudgetTextError(1, 'the file is empty');
  let p = 0;

  const block = (indent: number, path: string): TextValue => {
    const head = all[p]!;
    lines.set(path, head.no);
    return isItem(head) ? seq(indent, path) : map(indent, path);
  };

  const isItem = (l: Line) => l.text.startsWith('- ') || l.text === '-';

  const nested = (parentIndent: number, path: string, no: number, underKey = false): TextValue => {
    const next = all[p];
    // "key:" followed by "- item" at the key's own column is a common way to write a sequence value.
    if (underKey && next && next.indent === parentIndent && isItem(next)) {
      lines.set(path, next.no);
      return seq(parentIndent, path, true);
    }
    if (!next || next.indent <= parentIndent) {
      lines.set(path, no);
      return null;
    }
    return block(next.indent, path);
  };

  const map = (indent: number, path: string, into: Record<string, TextValue> = {}): Record<string, TextValue> => {
    while (p < all.length) {
      const l = all[p]!;
      if (l.indent < indent) break;
      if (l.indent > indent) throw new BudgetTextError(l.no, 'unexpected indentation');
      if (l.text.startsWith('- ') || l.text === '-') throw new BudgetTextError(l.no, 'a sequence item where a mapping key was expected');
      const kv = splitKey(l.text, l.no);
      if (!kv) throw new BudgetTextError(l.no, `expected "key: value", found ${JSON.stringify(l.text.slice(0, 40))}`);
      if (Object.hasOwn(into, kv.key)) throw new BudgetTextError(l.no, `duplicate key "${kv.key}"`);
      const cp = childPath(path, kv.key);
      p++;
      if (kv.rest === '') into[kv.key] = nested(indent, cp, l.no, true);
      else {
        lines.set(cp, l.no);
        into[kv.key] = scalar(kv.rest, l.no);
      }
    }
    return into;
  };

  const seq = (indent: number, path: string, compact = false): TextValue[] => {
    const out: TextValue[] = [];
    while (p < all.length) {
      const l = all[p]!;
      if (l.indent < indent || (compact && l.indent === indent && !isItem(l))) break;
      if (l.indent > indent) throw new BudgetTextError(l.no, 'unexpected indentation');
      if (!(l.text.startsWith('- ') || l.text === '-')) throw new BudgetTextError(l.no, 'a mapping key where a sequence item ("- ...") was expected');
      const cp = childPath(path, out.length);
      const rest = l.text.slice(1).trimStart();
      lines.set(cp, l.no);
      if (rest === '') {
        p++;
        out.push(nested(indent, cp, l.no));
        continue;
      }
      const kv = splitKey(rest, l.no);
      if (!kv) {
        p++;
        out.push(scalar(rest, l.no));
        continue;
      }
      // "- key: v": the item is a mapping whose keys sit at the column of the first key.
      const itemIndent = indent + (l.text.length - rest.length);
      all[p] = { no: l.no, indent: itemIndent, text: rest };
      out.push(map(itemIndent, cp));
    }
    return out;
  };

  const root = block(all[0]!.indent, '');
  if (p < all.length) throw new BudgetTextError(all[p]!.no, 'unexpected indentation');
  return { value: root, lines };
}
