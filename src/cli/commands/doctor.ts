import { promises as fs } from 'node:fs';
import { ExitCode, isSsotError } from '../../core/errors.js';
import { accountCredentials } from '../../config/credentials.js';
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
 * `ssot doctor`: the config, every credential, every remote reached and
 * authorised, the git remote writable, the Drive file found, the vaults
 * readable. Each check passes or fails with the fix; exit 1 if any fails.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const checks: Check[] = [];
  const record = (c: Check): void => {
    checks.push(c);
    ctx.out.record({ type: 'check', ...c });
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
  const creds = credentialContext(ctx, config);
  const attempt = async (name: string, fn: () => Promise<string>, fix: string): Promise<boolean> => {
    try {
      record({ name, ok: true, detail: await fn() });
      return true;
    } catch (e) {
      record({ name, ok: false, detail: describe(e), fix: isSsotError(e) && e.hint ? e.hint : fix });
      return false;
    }
  };

  for (const v of config.vaults) {
    const { prepareVault } = await import('../../vault/setup.js');
    let rt: Awaited<ReturnType<typeof prepareVault>> | undefined;
    await attempt(`vault ${v.name}: credentials`, async () => {
      rt = await prepareVault(v, { config, creds });
      return 'password / key file resolved';
    }, `see docs/configuration.md#credentials`);
    if (!rt) continue;
    const runtime = rt;
    await attempt(`vault ${v.name}: primary`, async () => {
      const db = await runtime.codec.open(await fs.readFile(v.path), v.path);
      return `${v.path} decrypts (${db.summary().entries} entries)`;
    }, `check vaults[].path and the password; \`ssot vault create ${v.name}\` makes a new one`);
    for (const copy of runtime.copies) {
      await attempt(`vault ${v.name}: ${copy.label}`, async () => {
        if (copy.kind === 'rclone') return (await import('../../vault/copies/rclone-doctor.js')).checkRcloneCopy(copy);
        const head = await copy.head();
        let detail = head ? `reachable, at revision ${head.slice(0, 12)}` : 'reachable; the file is not there yet (the next sync creates it)';
        if (copy.kind === 'git') detail += await gitWritable(copy.id);
        return detail;
      }, copy.kind === 'gdrive' ? 'see docs/drive-setup.md' : copy.kind === 'git' ? 'check the clone, its remote and your push rights' : copy.kind === 'rclone' ? 'see docs/rclone.md' : 'check that the folder is mounted and writable');
    }
  }

  if (config.confluence) {
    const c = config.confluence;
    await attempt('confluence', async () => {
      const { email, token } = await accountCredentials(c, creds, 'confluence');
      const { createApi } = await import('../../docs/api.js');
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

/** A git copy is writable when a dry-run push is accepted by the remote. */
async function gitWritable(copyId: string): Promise<string> {
  const file = copyId.replace(/^git:/, '');
  const { simpleGit } = await import('simple-git');
  const path = await import('node:path');
  const git = simpleGit(path.dirname(file));
  const branch = (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
  const upstream = await git.raw(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}']).catch(() => '');
  const remote = upstream.trim().split('/')[0] || 'origin';
  await git.raw(['push', '--dry-run', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
  return `; push to ${remote}/${branch} accepted (dry run)`;
}
