import { styleText } from 'node:util';
import { isSsotError, formatPlace, type SsotError } from '../core/errors.js';
import { redactor } from '../core/redact.js';
import { JSON_VERSION, type JsonMessage } from './messages.js';

/**
 * Everything the CLI prints goes through here: values are redacted, `--json`
 * turns lines into objects (one per line, each a message of cli/messages.ts
 * with the contract's version), `--quiet` keeps only warnings and errors,
 * NO_COLOR and non-terminals get plain text.
 */
export interface Printer {
  readonly json: boolean;
  info(msg: string): void;
  verbose(msg: string): void;
  warn(msg: string): void;
  /** A message of the --json contract: printed as a JSON line under --json, else ignored. */
  emit(msg: JsonMessage): void;
  error(err: unknown): void;
  table(rows: readonly (readonly string[])[]): void;
}

export interface PrinterOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createPrinter(o: PrinterOptions): Printer {
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const color = (stream: { isTTY?: boolean }, fmt: Parameters<typeof styleText>[0], s: string): string =>
    stream.isTTY && !process.env['NO_COLOR'] ? styleText(fmt, s, { validateStream: false }) : s;
  const write = (stream: NodeJS.WritableStream, s: string): void => {
    stream.write(redactor.redact(s) + '\n');
  };
  // The one place a JSON line is made: the message's type, the contract's version, then its fields.
  const line = ({ type, ...fields }: JsonMessage): void => write(stdout, JSON.stringify({ type, v: JSON_VERSION, ...fields }));
  return {
    json: o.json,
    info(msg) {
      if (!o.quiet && !o.json) write(stdout, msg);
    },
    verbose(msg) {
      if (o.verbose && !o.json) write(stderr, color(stderr, 'dim', msg));
    },
    warn(msg) {
      if (o.json) line({ type: 'warning', message: msg });
      else write(stderr, color(stderr, 'yellow', `warning: ${msg}`));
    },
    emit(msg) {
      if (o.json) line(msg);
    },
    error(err) {
      if (o.json) {
        line(isSsotError(err) ? err.toJSON() : { type: 'error', code: 'INTERNAL', message: messageOf(err) });
        return;
      }
      write(stderr, color(stderr, 'red', `error: ${describe(err)}`));
      if (isSsotError(err) && err.hint) write(stderr, `  hint: ${err.hint}`);
      if (!isSsotError(err) && o.verbose && err instanceof Error && err.stack) write(stderr, err.stack);
    },
    table(rows) {
      if (o.json || o.quiet || rows.length === 0) return;
      const columns = Math.max(...rows.map((r) => r.length));
      const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
      for (const r of rows) write(stdout, r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
    },
  };
}

export function describe(err: unknown): string {
  if (isSsotError(err)) {
    const e: SsotError = err;
    return e.place ? `${formatPlace(e.place)}: ${e.message}` : e.message;
  }
  return messageOf(err);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
