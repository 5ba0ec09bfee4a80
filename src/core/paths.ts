import os from 'node:os';
import path from 'node:path';

/** `~` and `~/x` expanded; other paths resolved against `base`. */
export function resolveUserPath(p: string, base: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return path.resolve(base, p);
}

/** Per-machine state: `$XDG_STATE_HOME/ssot`, default `~/.local/state/ssot`. Never in a repository. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'ssot');
}

/** `$XDG_CONFIG_HOME/ssot`, for the credential file fallback. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config');
  return path.join(base, 'ssot');
}
