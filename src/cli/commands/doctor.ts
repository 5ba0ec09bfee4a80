import { promises as fs } from 'node:fs';
import { ExitCode, isSsotError } from '../../core/errors.js';
import { accountCredentials, type CredentialContext } from '../../config/credentials.js';
import type { LoadedConfig } from '../../config/load.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { describe } from '../output.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/**
 * `ssot doctor`: the config, where each credential comes from, every vault
 * opened with its credentials, every remote reached and authorised, the git
 * remote writable, the Drive file found. Each check passes or fails with the
 * fix; exit 1 if any fails. It never writes: no fetch, no commit, no state,
 * no prompt.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const checks: Check[] = [];
  const record = (c: Check): void => {
    checks.push(c);
    ctx.out.emit({ type: 'check', ...c });
    ctx.out.info(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}${!c.ok && c.fix ? `\n        fix: ${c.fix}` : ''}`);
  };
  let config: LoadedConfig;
  try {
    config = await ctx.config();
    record({ name: 'config', ok: true, detail: `${config.file} is valid` });
  } catch (e) {
    record({ name: 'config', ok: false, detail: describe(e), fix: isSsotError(e) ? (e.hint ?? 'fix the config') : 'fix the config' });
    return ExitCode.FAILURE;
  }
  // The credential lines never prompt (a missing value is a failed check with its fix); opening a
  // vault whose password is a { prompt } reference asks a person at a terminal, as a sync would.
  const creds = credentialContext(ctx, config);
  const attempt = async (name: string | (() => string), fn: () => Promise<string>, fix: string): Promise<boolean> => {
    try {
      const detail = await fn();
      record({ name: typeof name === 'string' ? name : name(), ok: true, detail });
      return true;
    } catch (e) {
      record({ name: typeof name === 'string' ? name : name(), ok: false, detail: describe(e), fix: isSsotError(e) && e.hint ? e.hint : fix });
      return false;
    }
  };
  await credentialChecks(config, creds, record);
  await vaultChecks(config, creds, attempt);
  await driveAuthCheck(config, creds, attempt);

  if (config.confluence) {
    const c = config.confluence;
    await attempt('confluence', async () => {
      const { email, token } = await accountCredentials(c, creds, 'confluence');
      const { createApi } = await import('../../docs/index.js');
      const api = createApi({ baseUrl: c.baseUrl, email, token, attempts: 2 });
      const id = await api.spaceId(c.space);
      return `${c.baseUrl}: signed in, space ${c.space} found (id ${id})`;
    }, 'see docs/confluence-setup.md');
    await docsChecks(ctx, config, record);
  }
  if (config.jira) {
    const j = config.jira;
    await attempt('jira', async () => {
      const { email, token } = await accountCredentials(j, creds, 'jira');
      const { connectJira, pickPointsField } = await import('../../tickets/index.js');
      const api = await connectJira({ baseUrl: j.baseUrl, email, token });
      if (!(await api.projectExists(j.project))) throw new Error(`project ${j.project} does not exist or is not visible to this account`);
      const fields = await api.getFields();
      const points = pickPointsField(fields, j.storyPointsField);
      return `${j.baseUrl}: signed in, project ${j.project} found${points ? `, story points in ${points}` : ', no story-points field (points go into the description)'}`;
    }, 'see docs/jira-setup.md');
  }
  const failed = checks.filter((c) => !c.ok).length;
  ctx.out.info(`\n${checks.length - failed} passed, ${failed} failed`);
  return failed > 0 ? ExitCode.FAILURE : ExitCode.OK;
}

/** The docs mapping: valid, and for the space the config names (an empty space takes the config's). */
async function docsChecks(ctx: CommandContext, config: LoadedConfig, record: (c: Check) => void): Promise<void> {
  const { checkDocsSetup, publishSettings } = await import('../../docs/index.js');
  for (const c of await checkDocsSetup(publishSettings(config), ctx.cwd)) record(c);
}

type Attempt = (name: string | (() => string), fn: () => Promise<string>, fix: string) => Promise<boolean>;

/**
 * Where each credential comes from (env, which keyring store, a file, a vault
 * entry), and whether a value is there; never the value.
 */
async function credentialChecks(config: LoadedConfig, creds: CredentialContext, record: (c: Check) => void): Promise<void> {
  const { credentialRefs } = await import('../../config/refs.js');
  const { credentialSource, describeRef } = await import('../../config/credentials.js');
  for (const use of credentialRefs(config)) {
    const s = await credentialSource(use.ref, creds);
    const name = `credential ${use.key} (${use.label})`;
    if (s.problem || s.found === false) {
      const fix = 'keyring' in use.ref ? `\`ssot keyring set ${use.ref.keyring}\`${use.key === 'gdrive.auth.refreshToken' ? ' or `ssot auth gdrive`' : ''}` : `give ${describeRef(use.ref)} a value`;
      record({ name, ok: false, detail: `${s.from}: ${s.problem ?? 'no value'}`, fix: s.fix ?? fix });
    } else {
      record({ name, ok: true, detail: `${s.from}${s.found ? ': set' : ''}` });
    }
  }
}

/**
 * Each vault: its key opens the primary (a wrong password found before
 * anything changes), and each copy answers what a sync would find, read-only.
 */
async function vaultChecks(config: LoadedConfig, creds: CredentialContext, attempt: Attempt): Promise<void> {
  const { prepareVault } = await import('../../vault/index.js');
  for (const v of config.vaults) {
    let rt: Awaited<ReturnType<typeof prepareVault>> | undefined;
    await attempt(`vault ${v.name}: credentials`, async () => {
      rt = await prepareVault(v, { config, creds });
      return `${[rt.key.password !== undefined ? 'password' : '', rt.key.keyFile ? 'key file' : ''].filter(Boolean).join(' and ')} resolved`;
    }, 'see docs/configuration.md#credentials');
    if (!rt) continue;
    const runtime = rt;
    await attempt(`vault ${v.name}: primary`, async () => {
      const db = await runtime.codec.open(await fs.readFile(v.path), v.path);
      return `${v.path} opens with the configured credentials (${db.summary().entries} entries)`;
    }, `check vaults[].path and the password; \`ssot vault create ${v.name}\` makes a new one`);
    for (const copy of runtime.copies) {
      const fix = copy.kind === 'gdrive' ? 'see docs/drive-setup.md' : copy.kind === 'git' ? 'check the clone, its remote and your push rights' : copy.kind === 'rclone' ? 'see docs/rclone.md' : 'check that the folder is mounted and writable';
      await attempt(() => `vault ${v.name}: ${copy.label}`, async () => {
        if (copy.probe) return copy.probe();
        const head = await copy.head();
        return head ? `reachable, at revision ${head.slice(0, 12)}` : 'reachable; the file is not there yet (the next sync creates it)';
      }, fix);
    }
  }
}

/** The Drive sign-in itself (`ssot auth gdrive` wrote it): the refresh token gets an access token for the configured scope. */
async function driveAuthCheck(config: LoadedConfig, creds: CredentialContext, attempt: Attempt): Promise<void> {
  const g = config.gdrive;
  if (!g || !('clientId' in g.auth)) return;
  const a = g.auth;
  await attempt('gdrive: sign-in', async () => {
    const { resolveCredential } = await import('../../config/credentials.js');
    const { checkRefreshToken } = await import('../../vault/index.js');
    return checkRefreshToken({
      clientId: a.clientId,
      clientSecret: await resolveCredential(a.clientSecret, creds, 'Google OAuth client secret (gdrive.auth.clientSecret)'),
      refreshToken: await resolveCredential(a.refreshToken, creds, 'Google Drive refresh token (gdrive.auth.refreshToken)'),
      scope: g.scope,
      ...(g.tokenUrl ? { tokenUrl: g.tokenUrl } : {}),
    });
  }, 'run `ssot auth gdrive` (docs/drive-setup.md)');
}
