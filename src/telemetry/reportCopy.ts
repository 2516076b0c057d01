import { copyEscape } from '../store/bulkCopy.js';

/** One raw job outcome as stored (normalized: lower-case addresses, capability slug, upper-case region). */
export interface ReportRow {
  gateway: string;
  jobId: string;
  capability: string;
  model: string;
  orchestrator: string;
  region: string;
  startedAt: number;
  finishedAt: number;
  queueMs: number | null;
  uploadMs: number | null;
  processingMs: number | null;
  downloadMs: number | null;
  roundTripMs: number;
  segDurationMs: number | null;
  success: boolean;
  errorCode: string | null;
  pricePaid: bigint;
  units: bigint;
}


/**
 * COPY text payload of raw reports written straight into bytes. Building one string per row (dates via
 * Date#toISOString, template pieces joined) cost more than any other step of ingest on the app side; here
 * each row is written once into a growing buffer with no intermediate strings.
 */

/** Columns of telemetry_report in the order reportsCopyPayload writes them. */
export const REPORT_COLUMNS =
  'day, gateway, job_id, batch_nonce, capability, model, orchestrator, region, started_at, finished_at, queue_ms, upload_ms, processing_ms, download_ms, round_trip_ms, seg_duration_ms, success, error_code, price_paid, units';

const DAY_MS = 86_400_000;
const TAB = 9;
const NL = 10;

// Every variable-length write keeps this much room after itself, more than the fixed-width bytes of a whole
// row (dates, numbers, separators), so fixed-width writes need no checks of their own.
const SLACK = 512;

class ByteWriter {
  buf: Buffer;
  at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Room for `n` more bytes plus the slack. */
  room(n: number): void {
    if (this.at + n + SLACK <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n + SLACK));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  byte(b: number): void {
    this.buf[this.at++] = b;
  }
  /** ASCII text already known to need no escaping (validated addresses, regions, digits). */
  ascii(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.at = at;
  }
  /** Free text: escaped for COPY, written as UTF-8. Plain ASCII (the usual case) is copied a byte at a time. */
  text(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    const start = this.at;
    let at = start;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || c === 92 || c === 9 || c === 10 || c === 13) {
        // Rare: escape the whole value and let the encoder produce UTF-8.
        const e = copyEscape(s);
        this.room(e.length * 3);
        this.at = start + this.buf.write(e, start, 'utf8');
        return;
      }
      buf[at++] = c;
    }
    this.at = at;
  }
  /** A non-negative safe integer in decimal. */
  uint(n: number): void {
    if (n < 10) {
      this.byte(48 + n);
      return;
    }
    let digits = 0;
    for (let x = n; x > 0; x = Math.floor(x / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    for (let x = n; x > 0; x = Math.floor(x / 10)) this.buf[--at] = 48 + (x % 10);
  }
  /** `count` digits of n, zero-padded. */
  padded(n: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.buf[this.at + i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += count;
  }
  /** COPY's NULL, `\\N`. */
  nullMarker(): void {
    this.byte(92);
    this.byte(78);
  }
  nullableUint(n: number | null): void {
    if (n === null) this.nullMarker();
    else this.uint(n);
  }
}

const dayTexts = new Map<number, string>();

/** `YYYY-MM-DD` of a UTC day number (days since 1970-01-01), cached: a batch spans a few days. */
function dayText(day: number): string {
  let t = dayTexts.get(day);
  if (t === undefined) {
    t = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayTexts.size > 4096) dayTexts.clear();
    dayTexts.set(day, t);
  }
  return t;
}

/** Writes `YYYY-MM-DD HH:MM:SS.mmm+00` (UTC) of an epoch in ms. */
function timestamp(w: ByteWriter, ms: number): void {
  const day = Math.floor(ms / DAY_MS);
  w.ascii(dayText(day));
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  w.byte(32);
  w.padded(h, 2);
  w.byte(58);
  w.padded(m, 2);
  w.byte(58);
  w.padded(s, 2);
  w.byte(46);
  w.padded(r - s * 1000, 3);
  w.byte(43);
  w.byte(48);
  w.byte(48);
}

/** COPY text payload (UTF-8 bytes) of raw reports, columns of REPORT_COLUMNS. */
export function reportsCopyPayload(rows: readonly ReportRow[], batchNonce: bigint): Buffer {
  const nonce = batchNonce.toString();
  const w = new ByteWriter(Math.max(1024, rows.length * 400));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    w.room(0);
    w.ascii(dayText(Math.floor(r.finishedAt / DAY_MS)));
    w.byte(TAB);
    w.ascii(r.gateway);
    w.byte(TAB);
    w.text(r.jobId);
    w.byte(TAB);
    w.ascii(nonce);
    w.byte(TAB);
    w.text(r.capability);
    w.byte(TAB);
    w.text(r.model);
    w.byte(TAB);
    w.ascii(r.orchestrator);
    w.byte(TAB);
    w.ascii(r.region);
    w.byte(TAB);
    timestamp(w, r.startedAt);
    w.byte(TAB);
    timestamp(w, r.finishedAt);
    w.byte(TAB);
    w.nullableUint(r.queueMs);
    w.byte(TAB);
    w.nullableUint(r.uploadMs);
    w.byte(TAB);
    w.nullableUint(r.processingMs);
    w.byte(TAB);
    w.nullableUint(r.downloadMs);
    w.byte(TAB);
    w.uint(r.roundTripMs);
    w.byte(TAB);
    w.nullableUint(r.segDurationMs);
    w.byte(TAB);
    w.byte(r.success ? 116 : 102);
    w.byte(TAB);
    if (r.errorCode === null) w.nullMarker();
    else w.text(r.errorCode);
    w.byte(TAB);
    w.ascii(r.pricePaid.toString());
    w.byte(TAB);
    w.ascii(r.units.toString());
    w.byte(NL);
  }
  return w.buf.subarray(0, w.at);
}
