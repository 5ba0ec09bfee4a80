/**
 * Redaction: nothing secret is ever printed. A Redactor learns the secret values
 * of a run (passwords, tokens, entry values) and scrubs them from any text
 * before it reaches a terminal, a log, a commit message or an error.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Values shorter than this are not scrubbed: they would mangle ordinary words. */
  static readonly MIN_LENGTH = 4;

  add(value: string | undefined | null): void {
    if (value && value.length >= Redactor.MIN_LENGTH) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    }
    return out;
  }
}

/** The process-wide redactor used by the CLI's printer and the logs. */
export const redactor = new Redactor();

