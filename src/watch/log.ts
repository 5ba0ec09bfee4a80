import { closeSync, fstatSync, fchmodSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { stateDir } from '../core/paths.js';
import { redactor as defaultRedactor, type Redactor } from '../core/redact.js';

/**
 * The watcher's log: JSON lines, one object per event, in
 * `<state>/logs/watch.log` (mode 0600, rotated by size), and optionally
 * echoed to stdout (journald and launchd capture it). Every string in a
 * record goes through the redactor before it is written anywhere.
 *
 * Writes are synchronous: the volume is a few lines a minute, and a line
 * written just before a crash must be on disk.
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof LEVELS;
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  close(): void;
}

export interface LogOptions {
  /** Default: `<state>/logs/watch.log`. */
  file?: string;
  /** Lowest level written. */
  level?: Level;
  /** Rotate when the file would pass this size. */
  maxBytes?: number;
  /** Rotated files kept (`watch.log.1` ... `watch.log.N`). */
  keep?: number;
  /** Echo each line: `json` as written, `pretty` for a person, `none`. */
  echo?: 'json' | 'pretty' | 'none';
  stdout?: { write(s: string): unknown };
  redactor?: Pick<Redactor, 'redact'>;
  now?: () => Date;
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_KEEP = 3;

export function defaultLogFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'logs', 'watch.log');
}

/** Redacts every string in a value, keys included; errors become { name, message, code }. */
function redactValue(value: unknown, r: Pick<Redactor, 'redact'>, depth = 0): unknown {
  if (typeof value === 'string') return r.redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[deep]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: r.redact(value.message),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, r, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[r.redact(k)] = redactValue(v, r, depth + 1);
  return out;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const file = opts.file ?? defaultLogFile();
  const min = LEVELS[opts.level ?? 'info'];
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const keep = Math.max(1, opts.keep ?? DEFAULT_KEEP);
  const echo = opts.echo ?? 'none';
  const stdout = opts.stdout ?? process.stdout;
  const r = opts.redactor ?? defaultRedactor;
  const now = opts.now ?? (() => new Date());
  let fd: number | undefined;
  let size = 0;
  let broken = false;

  const open = (): number => {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const opened = openSync(file, 'a', 0o600);
    fd = opened;
    // The umask may have widened it, or the file may predate us.
    fchmodSync(opened, 0o600);
    size = fstatSync(opened).size;
    return opened;
  };

  const rotate = (): number => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch {
        /* not there yet */
      }
    }
    renameSync(file, `${file}.1`);
    return open();
  };

  const write = (level: Level, msg: string, fields?: Fields): void => {
    if (LEVELS[level] < min) return;
    const record = redactValue({ time: now().toISOString(), level, msg, ...fields }, r) as Record<string, unknown>;
    // A second pass over the whole line: a secret split across fields by JSON escaping is still caught.
    const line = r.redact(JSON.stringify(record)) + '\n';
    if (!broken) {
      try {
        let handle = fd ?? open();
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > maxBytes) handle = rotate();
        size += writeSync(handle, line);
      } catch (e) {
        // A full disk or a removed state folder must not kill the watcher; say it once.
        broken = true;
        stdout.write(JSON.stringify({ time: now().toISOString(), level: 'error', msg: `cannot write the log ${file}: ${r.redact((e as Error).message)}` }) + '\n');
      }
    }
    if (echo === 'json') stdout.write(line);
    else if (echo === 'pretty') stdout.write(pretty(record) + '\n');
  };

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function pretty(rec: Record<string, unknown>): string {
  const { time, level, msg, ...rest } = rec;
  const t = String(time).slice(11, 19);
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${t} ${String(level).padEnd(5)} ${String(msg)}${extra ? `  ${extra}` : ''}`;
}

/** A logger that keeps records in memory (tests, and callers that have none). */
export function memoryLogger(): Logger & { records: (Fields & { level: Level; msg: string })[] } {
  const records: (Fields & { level: Level; msg: string })[] = [];
  const push = (level: Level) => (msg: string, fields?: Fields) => void records.push({ level, msg, ...fields });
  return { records, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error'), close() {} };
}
