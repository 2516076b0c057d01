/** RFC 4180 cells: quoted fields with doubled quotes, CRLF or LF row ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** What a spreadsheet would evaluate: a cell opening with = + - @ tab or CR that is not a plain number. */
export const dangerousCell = (c: string) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c);

/** A service URL that runs a command in a spreadsheet that evaluates it (the CSV injection). */
export const HOSTILE_CELL = "-1+cmd|' /C calc'!A0";
