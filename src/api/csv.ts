// CSV answers (text/csv): one header row, then one row per record; cells quoted and defused for spreadsheets.

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A cell starting with = + - @ tab or CR is a formula to a spreadsheet: quote-prefix it (OWASP CSV injection
  // rule). A plain signed decimal cannot be one and stays a number.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

