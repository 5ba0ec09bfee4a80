import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { writeFileAtomic } from '../core/atomic.js';
import { CredentialError, ErrorCode } from '../core/errors.js';
import { configDir, ensurePrivateDir } from '../core/paths.js';

/**
 * The user service's environment file: NAME=value lines, mode 0600, for the
 * variables that `{ env: NAME }` references need (a service does not inherit
 * the login shell's environment). Read by systemd (EnvironmentFile=) and by
 * node (--env-file-if-exists) alike, so values are written in the quoting
 * both parse the same way.
 */

export function defaultEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'service.env');
}

/** The file's variables; none when it does not exist. Refused when others can read it. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    return {};
  }
  if ((st.mode & 0o077) !== 0) {
    throw new CredentialError(ErrorCode.Credential, `${file} is readable by others (mode ${(st.mode & 0o777).toString(8)})`, {
      place: { file },
      hint: `chmod 600 ${file}: it holds the values the service's { env: … } references need`,
    });
  }
  return parseEnv(await fs.readFile(file, 'utf8')) as Record<string, string>;
}

/** One line both systemd and node read back as `value`; undefined when no quoting fits. */
export function envLine(name: string, value: string): string | undefined {
  if (/[\r\n]/.test(value)) return undefined;
  if (!value.includes("'")) return `${name}='${value}'`;
  if (!/["\\$`]/.test(value)) return `${name}="${value}"`;
  return undefined;
}

/** Adds (or replaces) variables; the file stays 0600. Returns the names it could not write. */
export async function addToEnvFile(file: string, values: Record<string, string>): Promise<string[]> {
  const current = await readEnvFile(file);
  const lines: string[] = [];
  const refused: string[] = [];
  for (const [k, v] of Object.entries({ ...current, ...values })) {
    const line = envLine(k, v);
    if (line) lines.push(line);
    else refused.push(k);
  }
  await ensurePrivateDir(path.dirname(file));
  await writeFileAtomic(file, `# Written by \`ssot service install --copy-env\`: what { env: NAME } references need. Keep it mode 0600.\n${lines.join('\n')}\n`, { mode: 0o600 });
  return refused;
}
