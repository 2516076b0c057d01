import type { ActionItem } from './model.js';
import { plainText, slugOf } from './text.js';

/** The README sections whose recommendations are the report's action items. */
const SECTIONS: Record<string, ActionItem['section']> = { 'executive summary': 'executive-summary', 'key findings': 'key-findings' };

const BULLET = /^([ \t]*)[*+-][ \t]+(.*)$/;
const TITLED = /^\*\*([^*]+?)\.?\*\*\.?\s*(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

interface Para {
  line: number;
  text: string;
}

interface Bullet {
  line: number;
  indent: number;
  title: string | null;
  paras: Para[];
  children: Bullet[];
  parent: Bullet | null;
}

function indentOf(ws: string): number {
  let n = 0;
  for (const ch of ws) n += ch === '\t' ? 4 : 1;
  return n;
}

/** The bullet tree of one section: each bullet with its paragraphs (continuation lines and indented paragraphs). */
function bulletTree(lines: { line: number; text: string }[]): Bullet[] {
  const roots: Bullet[] = [];
  const stack: Bullet[] = [];
  let current: Bullet | null = null;
  let blank = false;
  for (const { line, text } of lines) {
    if (text.trim() === '') {
      blank = true;
      continue;
    }
    const b = BULLET.exec(text);
    if (b) {
      const indent = indentOf(b[1]!);
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const parent = stack[stack.length - 1] ?? null;
      const t = TITLED.exec(b[2]!.trim());
      const node: Bullet = { line, indent, title: t ? plainText(t[1]!) : null, paras: [], children: [], parent };
      node.paras.push({ line, text: b[2]!.trim() });
      (parent ? parent.children : roots).push(node);
      stack.push(node);
      current = node;
      blank = false;
      continue;
    }
    const indent = indentOf(/^[ \t]*/.exec(text)![0]);
    if (!current || indent === 0) {
      // A paragraph at the margin ends the list.
      stack.length = 0;
      current = null;
      blank = false;
      continue;
    }
    // An indented line belongs to the deepest open bullet indented less than it.
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    current = stack[stack.length - 1]!;
    const last = current.paras[current.paras.length - 1];
    if (!blank && last) last.text = `${last.text} ${text.trim()}`;
    else current.paras.push({ line, text: text.trim() });
    blank = false;
  }
  return roots;
}

function walk(bs: Bullet[], f: (b: Bullet) => void): void {
  for (const b of bs) {
    f(b);
    walk(b.children, f);
  }
}

const isEvaluation = (p: Para) => /^\*Evaluation\.\*/i.test(p.text);

/**
 * The action items of the report's summary (README.md): in "Executive summary", every titled bullet
 * with no titled bullets below it (the leaves of its priority lists); in "Key findings", every paragraph
 * of a finding's proposal (the paragraphs before its *Evaluation.*). Ids are `section/slug-of-title`,
 * numbered from the second paragraph of a finding on.
 */
export function parseSummary(text: string, file = 'README.md'): ActionItem[] {
  const sections = new Map<ActionItem['section'], { line: number; text: string }[]>();
  let current: ActionItem['section'] | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const h = HEADING.exec(raw);
    if (h && h[1]!.length <= 2) {
      current = SECTIONS[plainText(h[2]!).toLowerCase()] ?? null;
      if (current) sections.set(current, []);
      return;
    }
    if (current) sections.get(current)!.push({ line: i + 1, text: raw });
  });
  const out: ActionItem[] = [];
  const taken = new Set<string>();
  const add = (section: ActionItem['section'], title: string, p: Para, n: number) => {
    let id = `${section}/${slugOf(title)}${n > 1 ? `-${n}` : ''}`;
    for (let k = 2; taken.has(id); k++) id = `${section}/${slugOf(title)}-${n > 1 ? `${n}-` : ''}${k}`;
    taken.add(id);
    out.push({ id, section, title, text: plainText(p.text), file, line: p.line });
  };
  const exec = bulletTree(sections.get('executive-summary') ?? []);
  walk(exec, (b) => {
    if (!b.title) return;
    let titledBelow = false;
    walk(b.children, (c) => (titledBelow ||= c.title !== null));
    if (titledBelow) return;
    add('executive-summary', b.title, { line: b.line, text: b.paras.map((p) => p.text).join(' ') }, 1);
  });
  for (const b of bulletTree(sections.get('key-findings') ?? [])) {
    if (!b.title) continue;
    // The evaluation runs from its *Evaluation.* paragraph to the end of the finding.
    const end = b.paras.findIndex(isEvaluation);
    b.paras.slice(0, end < 0 ? undefined : end).forEach((p, i) => add('key-findings', b.title!, p, i + 1));
  }
  return out;
}
