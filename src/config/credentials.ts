import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CredentialError, ErrorCode } from '../core/errors.js';
import { resolveUserPath } from '../core/paths.js';
import { redactor } from '../core/redact.js';
import type { SecretStore } from './keyring.js';
import type { CredentialRef } from './schema.js';

/**
 * What resolving a credential may need. The vault reader and the prompt are
 * injected by the CLI, so config/ knows nothing of kdbx or terminals.
 */
export interface CredentialContext {
  /** The config file, named in errors. */
  configFile: string;
  /** Relative `file:` references resolve against this folder. */
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  store?: () => Promise<SecretStore>;
  vaultEntry?: (vault: string, entry: string, field: string) => Promise<string | undefined>;
  /** Present only when a person sits at a terminal. */
  prompt?: (label: string) => Promise<string>;
}

/**
 * Resolve one reference to its value. `label` says what it is for
 * ("password of vault chronos"); it appears in errors, the value never does.
 * Every value resolved is added to the redactor.
 *
 * With `allowEmpty` (a vault's master password: KeePassXC allows the empty
 * password and tells it from none), an empty value is a value: an environment
 * variable set to "", an empty 0600 file, an empty keyring item, Enter at the
 * prompt. Otherwise an empty value counts as missing (a token is never empty).
 */
export async function resolveCredential(ref: CredentialRef, ctx: CredentialContext, label: string, opts: { allowEmpty?: boolean } = {}): Promise<string> {
  const value = await lookup(ref, ctx, label);
  if (value !== undefined && (value !== '' || opts.allowEmpty === true)) {
    redactor.add(value);
    return value;
  }
  if (ctx.prompt) {
    const typed = await ctx.prompt(label);
    if (typed === '' && opts.allowEmpty !== true) {
      throw new CredentialError(ErrorCode.Credential, `no value typed for the ${label}`, { place: { file: ctx.configFile }, hint: hintFor(ref) });
    }
    redactor.add(typed);
    return typed;
  }
  throw new CredentialError(ErrorCode.Credential, `no value for the ${label} (${describeRef(ref)})`, {
    place: { file: ctx.configFile },
    hint: hintFor(ref),
  });
}

async function lookup(ref: CredentialRef, ctx: CredentialContext, label: string): Promise<string | undefined> {
  const env = ctx.env ?? process.env;
  if ('env' in ref) return env[ref.env];
  if ('prompt' in ref) return undefined;
  if ('file' in ref) {
    const file = resolveUserPath(ref.file, ctx.baseDir);
    let st;
    try {
      st = await fs.stat(file);
    } catch {
      throw new CredentialError(ErrorCode.Credential, `the ${label} file ${file} does not exist`, {
        place: { file: ctx.configFile },
        hint: `write the value into ${file} and chmod 600 it`,
      });
    }
    if ((st.mode & 0o077) !== 0) {
      throw new CredentialError(ErrorCode.Credential, `the ${label} file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)})`, {
        place: { file: ctx.configFile },
        hint: `chmod 600 ${file}`,
      });
    }
    return (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  }
  if ('keyring' in ref) {
    if (!ctx.store) return undefined;
    const slash = ref.keyring.indexOf('/');
    const store = await ctx.store();
    return store.get(ref.keyring.slice(0, slash), ref.keyring.slice(slash + 1));
  }
  if (!ctx.vaultEntry) {
    throw new CredentialError(ErrorCode.Credential, `the ${label} refers to vault "${ref.vault}", which cannot be read here`, {
      place: { file: ctx.configFile },
    });
  }
  return ctx.vaultEntry(ref.vault, ref.entry, ref.field ?? 'Password');
}

/**
 * The e-mail and API token of an Atlassian account (`confluence:` or `jira:`),
 * resolved through their references; `section` names them in errors.
 */
export async function accountCredentials(
  account: { email: CredentialRef; token: CredentialRef },
  ctx: CredentialContext,
  section: 'confluence' | 'jira',
): Promise<{ email: string; token: string }> {
  const service = section === 'confluence' ? 'Confluence' : 'Jira';
  return {
    email: await resolveCredential(account.email, ctx, `${service} account email (${section}.email)`),
    token: await resolveCredential(account.token, ctx, `${service} API token (${section}.token)`),
  };
}

/**
 * Where a reference takes its value from, and whether a value is there,
 * without the value: what `ssot doctor` shows for each credential.
 */
export async function credentialSource(ref: CredentialRef, ctx: CredentialContext): Promise<{ from: string; found: boolean | undefined; problem?: string; fix?: string }> {
  const env = ctx.env ?? process.env;
  if ('env' in ref) return { from: `environment variable ${ref.env}`, found: Boolean(env[ref.env]) };
  if ('prompt' in ref) return { from: `asked on the terminal ("${ref.prompt}")`, found: undefined };
  if ('keyring' in ref) {
    if (!ctx.store) return { from: `keyring ${ref.keyring}`, found: undefined };
    const store = await ctx.store();
    const slash = ref.keyring.indexOf('/');
    const value = await store.get(ref.keyring.slice(0, slash), ref.keyring.slice(slash + 1)).catch(() => undefined);
    return { from: `keyring ${ref.keyring}, in ${store.where}`, found: value !== undefined && value !== '' };
  }
  if ('file' in ref) {
    const file = resolveUserPath(ref.file, ctx.baseDir);
    const st = await fs.stat(file).catch(() => undefined);
    if (!st) return { from: `file ${file}`, found: false };
    const loose = (st.mode & 0o077) !== 0;
    return { from: `file ${file}`, found: st.size > 0, ...(loose ? { problem: `readable by others (mode ${(st.mode & 0o777).toString(8)})`, fix: `chmod 600 ${file}` } : {}) };
  }
  const from = `entry "${ref.entry}" (${ref.field ?? 'Password'}) of vault ${ref.vault}`;
  if (!ctx.vaultEntry) return { from, found: undefined };
  try {
    const v = await ctx.vaultEntry(ref.vault, ref.entry, ref.field ?? 'Password');
    if (v) redactor.add(v);
    return { from, found: v !== undefined && v !== '' };
  } catch (e) {
    return { from, found: false, problem: (e as Error).message };
  }
}

/**
 * Can a value be stored where this reference points? Only a keyring entry or
 * a file can be written; an environment variable, a vault entry or a prompt
 * cannot. Checked before anything is asked of the person.
 */
export function assertStorable(ref: CredentialRef, ctx: CredentialContext, key: string): void {
  if ('keyring' in ref || 'file' in ref) return;
  throw new CredentialError(ErrorCode.Credential, `${key} is ${describeRef(ref)}: ssot cannot store a value there`, {
    place: { file: ctx.configFile, path: key },
    hint: `point it at the keyring or a file, e.g. ${key.slice(key.lastIndexOf('.') + 1)}: { keyring: "ssot/gdrive" }`,
  });
}

/** Store a value where a reference points; returns where, for a person (never the value). */
export async function storeCredential(ref: CredentialRef, value: string, ctx: CredentialContext, key: string): Promise<string> {
  assertStorable(ref, ctx, key);
  redactor.add(value);
  if ('keyring' in ref) {
    const store = ctx.store ? await ctx.store() : await (await import('./keyring.js')).defaultSecretStore(ctx.env);
    const slash = ref.keyring.indexOf('/');
    await store.set(ref.keyring.slice(0, slash), ref.keyring.slice(slash + 1), value);
    return `${store.where} (keyring ${ref.keyring})`;
  }
  const file = resolveUserPath((ref as { file: string }).file, ctx.baseDir);
  const { writeFileAtomic } = await import('../core/atomic.js');
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${value}\n`, { mode: 0o600 });
  return `the file ${file} (mode 0600)`;
}

export function describeRef(ref: CredentialRef): string {
  if ('env' in ref) return `environment variable ${ref.env}`;
  if ('keyring' in ref) return `keyring ${ref.keyring}`;
  if ('file' in ref) return `file ${ref.file}`;
  if ('prompt' in ref) return `prompt "${ref.prompt}"`;
  return `vault ${ref.vault}, entry "${ref.entry}", field ${ref.field ?? 'Password'}`;
}

function hintFor(ref: CredentialRef): string {
  if ('env' in ref) return `export ${ref.env}=... before running ssot`;
  if ('keyring' in ref) return `store it with \`ssot keyring set ${ref.keyring}\``;
  if ('prompt' in ref) return 'run ssot on a terminal, or use an env, keyring or file reference';
  if ('file' in ref) return `write the value into ${ref.file} (mode 600)`;
  return `add the entry "${ref.entry}" to vault ${ref.vault}`;
}
