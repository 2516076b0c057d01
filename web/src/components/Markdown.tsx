import type { ReactNode } from 'react';

// Proposal texts are Markdown written by proposers. This renders the common subset (headings, paragraphs, lists,
// code, emphasis, links) as React elements, so nothing in the text is ever inserted as HTML.

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\((https?:\/\/[^\s)]+)\))|(https?:\/\/[^\s)]+)/g;

function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const [all, code, bold, em, link, href, bare] = m;
    const k = m.index;
    if (code) out.push(<code key={k}>{code.slice(1, -1)}</code>);
    else if (bold) out.push(<b key={k}>{bold.slice(2, -2)}</b>);
    else if (em) out.push(<i key={k}>{em.slice(1, -1)}</i>);
    else if (link && href) out.push(<a key={k} href={href} rel="noopener noreferrer nofollow" target="_blank">{link.slice(1, link.indexOf(']'))}</a>);
    else if (bare) out.push(<a key={k} href={bare} rel="noopener noreferrer nofollow" target="_blank">{bare}</a>);
    else out.push(all);
    last = m.index + all.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Markdown text as elements: # headings, paragraphs, - / 1. lists, ``` code blocks, `code`, **bold**, *italic*, links. */
export function Markdown({ text, testId }: { text: string; testId?: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
      i++;
      blocks.push(<pre key={blocks.length}>{body.join('\n')}</pre>);
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const level = Math.min(4, h[1]!.length + 1);
      const Tag = `h${level}` as 'h2' | 'h3' | 'h4';
      blocks.push(<Tag key={blocks.length}>{inline(h[2]!)}</Tag>);
      i++;
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/;
    if (item.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      for (; i < lines.length && item.test(lines[i]!); i++) items.push(lines[i]!.replace(item, ''));
      const List = ordered ? 'ol' : 'ul';
      blocks.push(
        <List key={blocks.length}>
          {items.map((t, j) => (
            <li key={j}>{inline(t)}</li>
          ))}
        </List>,
      );
      continue;
    }
    const para: string[] = [];
    for (; i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('```') && !/^#{1,6}\s/.test(lines[i]!) && !item.test(lines[i]!); i++) para.push(lines[i]!.trim());
    blocks.push(<p key={blocks.length}>{inline(para.join(' '))}</p>);
  }
  return (
    <div className="prose" data-testid={testId}>
      {blocks}
    </div>
  );
}
