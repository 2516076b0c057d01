// Reads a budget file (YAML, or JSON, which YAML reads too) into plain values plus the source line of every
// value, so schema errors can point at file:line. Parsing is the `yaml` library's; this module maps its errors
// onto one short message per kind with the line it concerns, and turns its nodes into values.
//
// Plain scalars stay text (amounts must not pass through floating point; `0x12` is an address, not a number)
// except true/false/null and, in a JSON file (first non-blank character `{` or `[`), JSON numbers, which the
// schema accepts when whole and safe. A budget is read as it is written: anchors, aliases and tags are refused,
// and so are block scalars (ids, dates and amounts are one line, names at most 200 characters).
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node, type YAMLError } from 'yaml';
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

/** JSON path key of a child. */
export const childPath = (parent: string, key: string | number): string => (parent === '' ? String(key) : `${parent}/${key}`);

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Parses a budget file's text; throws BudgetTextError naming the first problem and its line. */
export function parseBudgetText(text: string): ParsedText {
  const counter = new LineCounter();
  const lineAt = (offset: number): number => counter.linePos(offset).line;
  // failsafe: every scalar is text until read below; duplicate keys are reported below with their name.
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) throw syntaxError(doc.errors, doc.contents, lineAt);
  if (doc.contents === null) throw new BudgetTextError(1, 'the file is empty');

  const json = /^\s*[{[]/.test(text);
  const lines = new Map<string, number>();
  const read = (node: Node | null, path: string, keyLine: number): TextValue => {
    const line = node?.range ? lineAt(node.range[0]) : keyLine;
    if (node && (isAlias(node) || node.anchor || node.tag)) throw new BudgetTextError(line, 'anchors, aliases and tags are not supported');
    // `key:` with nothing after it: null, at the key's line.
    if (node === null || (isScalar(node) && node.type === Scalar.PLAIN && (node.value === null || node.value === ''))) {
      lines.set(path, keyLine);
      return null;
    }
    lines.set(path, line);
    if (isMap(node)) {
      const out: Record<string, TextValue> = {};
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const at = key?.range ? lineAt(key.range[0]) : line;
        if (!isScalar(key) || typeof key.value !== 'string') throw new BudgetTextError(at, 'a key must be text');
        if (key.anchor || key.tag) throw new BudgetTextError(at, 'anchors, aliases and tags are not supported');
        if (Object.hasOwn(out, key.value)) throw new BudgetTextError(at, `duplicate key "${key.value}"`);
        out[key.value] = read(pair.value as Node | null, childPath(path, key.value), at);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => read(item as Node | null, childPath(path, i), line));
    if (!isScalar(node)) throw new BudgetTextError(line, 'unsupported YAML node');
    if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
      throw new BudgetTextError(line, 'block scalars (| and >) are not supported; use a quoted string');
    }
    const s = String(node.value);
    if (node.type !== Scalar.PLAIN) return s;
    if (s === '~' || s === 'null') return null;
    if (s === 'true' || s === 'false') return s === 'true';
    return json && JSON_NUMBER.test(s) ? Number(s) : s;
  };
  return { value: read(doc.contents, '', 1), lines };
}

/** The first syntax error as one message with the line where the reader has to look. */
function syntaxError(errors: YAMLError[], root: Node | null, lineAt: (offset: number) => number): BudgetTextError {
  const first = errors[0]!;
  const line = lineAt(first.pos[0]);
  switch (first.code) {
    case 'TAB_AS_INDENT':
      return new BudgetTextError(line, 'tabs are not allowed for indentation; use spaces');
    case 'MULTIPLE_DOCS':
      return new BudgetTextError(line, 'only one YAML document per file');
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      // A line indented deeper than its siblings continues the previous value: the error spans from that
      // value to the line that is out of place.
      const span = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
      return span ? new BudgetTextError(lineAt(span.pos[1] - 1), 'unexpected indentation') : new BudgetTextError(line, 'a nested mapping must start on its own line');
    }
    case 'MISSING_CHAR':
      if (/quote/.test(first.message)) {
        // Reported where the text ends; the reader needs the line where the string opened.
        const open = enclosing(root, first.pos[0], (n) => isScalar(n) && (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE));
        return new BudgetTextError(open?.range ? lineAt(open.range[0]) : line, 'unterminated quoted string');
      }
      break;
    case 'UNEXPECTED_TOKEN':
    case 'BLOCK_IN_FLOW': {
      const flow = enclosing(root, first.pos[0], (n) => (isMap(n) || isSeq(n)) && n.flow === true);
      if (flow) return new BudgetTextError(line, isMap(flow) ? 'expected "," or "}"' : 'expected "," or "]"');
      break;
    }
    case 'BAD_DQ_ESCAPE':
      return new BudgetTextError(line, 'invalid escape in a double-quoted string');
  }
  return new BudgetTextError(line, first.message.charAt(0).toLowerCase() + first.message.slice(1));
}

/** The innermost node matching `want` whose source range holds `offset`. */
function enclosing(node: Node | null, offset: number, want: (n: Node) => boolean): Node | undefined {
  if (!node?.range || offset < node.range[0] || offset > node.range[2]) return undefined;
  const children: unknown[] = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
  for (const c of children) {
    const inner = enclosing((c as Node | null) ?? null, offset, want);
    if (inner) return inner;
  }
  return want(node) ? node : undefined;
}
