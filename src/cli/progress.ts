/** One-line progress display for long work; quiet when stderr is not a terminal. */
export class ProgressLine {
  private started = Date.now();
  private last = 0;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, extra: Record<string, number | string> = {}): void {
    const now = Date.now();
    if (now - this.last < 200 && done < total) return;
    this.last = now;
    const secs = (now - this.started) / 1000;
    const rate = done / Math.max(secs, 1e-3);
    const eta = rate > 0 && total > done ? (total - done) / rate : 0;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : 0;
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const parts = Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : v}`);
    const line = `${this.label} [${bar}] ${done}/${total} ${parts.join(' · ')} · ETA ${formatSeconds(eta)}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K`);
    else if (done === total || now - this.started < 250) this.stream.write(`${line}\n`);
  }

  done(message: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s <= 0) return '0s';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
