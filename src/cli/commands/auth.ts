import { spawn } from 'node:child_process';
import { ExitCode, UsageError } from '../../core/errors.js';
import { assertStorable, resolveCredential, storeCredential } from '../../config/credentials.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';

/**
 * `ssot auth gdrive [--no-browser]`: Google's OAuth flow for installed apps
 * (loopback redirect on 127.0.0.1, PKCE), for the scope `gdrive.scope` names;
 * the refresh token goes where `gdrive.auth.refreshToken` points (the keyring
 * or a 0600 file), never to the terminal.
 */
export interface AuthGdriveOptions {
  /** False with --no-browser: the address is only printed. */
  browser: boolean;
}

export async function gdrive(ctx: CommandContext, opts: AuthGdriveOptions): Promise<number> {
  const config = await ctx.config();
  const g = config.gdrive;
  if (!g) throw new UsageError(`${config.file} has no gdrive: section`, 'add gdrive.auth with clientId, clientSecret and refreshToken (docs/drive-setup.md)');
  if (!('clientId' in g.auth)) {
    throw new UsageError('gdrive.auth uses an access token obtained elsewhere: there is nothing to sign in to', 'for `ssot auth gdrive`, give gdrive.auth { clientId, clientSecret, refreshToken } (docs/drive-setup.md)');
  }
  const auth = g.auth;
  const creds = credentialContext(ctx, config);
  assertStorable(auth.refreshToken, creds, 'gdrive.auth.refreshToken');
  const clientSecret = await resolveCredential(auth.clientSecret, creds, 'Google OAuth client secret (gdrive.auth.clientSecret)');
  const { authorizeInstalledApp } = await import('../../vault/index.js');
  const grant = await authorizeInstalledApp({
    clientId: auth.clientId,
    clientSecret,
    scope: g.scope,
    ...(g.authUrl ? { authUrl: g.authUrl } : {}),
    ...(g.tokenUrl ? { tokenUrl: g.tokenUrl } : {}),
    open: (url, redirect) => {
      // The address goes to stderr: it is for the person, and stdout may be a pipe.
      process.stderr.write(`Open this address in a browser to let ssot use Google Drive (scope ${g.scope}):\n\n  ${url}\n\nWaiting for Google to send the browser back to ${redirect} (Ctrl-C to stop) ...\n`);
      if (opts.browser) openBrowser(url);
    },
  });
  const where = await storeCredential(auth.refreshToken, grant.refreshToken, creds, 'gdrive.auth.refreshToken');
  ctx.out.info(`signed in to Google Drive (scope ${g.scope}); the refresh token is stored in ${where}`);
  ctx.out.info('`ssot doctor` checks it; `ssot sync` uses it');
  ctx.out.emit({ type: 'auth', service: 'gdrive', scope: g.scope, stored: where });
  return ExitCode.OK;
}

/** Best effort: a desktop's opener; on a headless box the printed address is the way. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const c = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    c.on('error', () => undefined);
    c.unref();
  } catch {
    // no opener: the address is printed
  }
}
