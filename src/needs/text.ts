// Plain text and stable keys from the report's markdown.

// Words that carry no meaning in a question key; dropping them keeps keys short and stable under rewording.
const STOP = new Set(
  'a an the is are be been do does did e g s of to for in on at by with what which how who whom where when why there this that these those my our i we it its or and as if any given can about into from me us so their them'.split(' '),
);

/** A short, stable key from text: lower case, meaningful words only, at most 60 characters. */
export function slugOf(text: string): string {
  const words = plainText(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((w) => w && !STOP.has(w));
  let out = '';
  for (const w of words) {
    if (out.length + w.length + 1 > 60 && out) break;
    out = out ? `${out}-${w}` : w;
  }
  return out || 'item';
}

/** Markdown inline text without links' targets, emphasis or code marks. */
export function plainText(md: string): string {
  return md
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|\s)\*(\S[^*]*?)\*(?=\s|$|[.,;:)])/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}
