import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger, LevelWithSilent };

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  /** Least severe level written (default info); `silent` writes nothing. */
  level?: LevelWithSilent;
  /** `json`: one JSON object per line (for log collectors); `text` (default): `atlas: message key=value`. */
  format?: LogFormat;
  /** Where lines go (default stderr). */
  destination?: { write(line: string): unknown };
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'name']);

/** Renders pino's JSON lines as one readable line each: `atlas: message` plus any fields, warnings and errors tagged. */
function textStream(out: { write(line: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const level = LEVEL_NAMES[Number(rec.level)] ?? 'info';
      const prefix = typeof rec.name === 'string' ? `atlas ${rec.name}` : 'atlas';
      const tag = level === 'warn' || level === 'error' || level === 'fatal' ? `${level}: ` : '';
      const fields = Object.entries(rec)
        .filter(([k]) => !HIDDEN.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      out.write(`${prefix}: ${tag}${String(rec.msg ?? '')}${fields.length ? ` (${fields.join(' ')})` : ''}\n`);
    },
  };
}

/**
 * A structured logger (pino). The server logs each unexpected error with its request id; the CLI its progress
 * and warnings. Fields are structured in both formats; `text` only changes how a line is printed.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const out = opts.destination ?? process.stderr;
  const stream: DestinationStream = opts.format === 'json' ? { write: (l: string) => out.write(l) } : textStream(out);
  return pino({ level: opts.level ?? 'info', base: undefined, timestamp: opts.format === 'json' ? pino.stdTimeFunctions.isoTime : false }, stream);
}

/** A logger that writes nothing (tests, embedders that bring none). */
export const silentLogger: Logger = pino({ level: 'silent' });
