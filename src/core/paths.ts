import { promises as fs } from 'node:fs';
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

/**
 * Make `dir` (a folder under ssot's state or config folder) and every folder
 * between it and ssot's own folder, mode 0700: they hold sync state, backups,
 * logs and indexes of secret values, which no other user may list. A folder
 * an older version made 0755 is tightened; folders above ssot's own (the
 * user's `~/.local/state`) are made 0700 only when missing, never changed.
 */
export async function ensurePrivateDir(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const roots = [stateDir(env), configDir(env)];
  const root = roots.find((r) => dir === r || dir.startsWith(r + path.sep));
  if (!root) return;
  for (let d = dir; ; d = path.dirname(d)) {
    const st = await fs.stat(d);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) await fs.chmod(d, 0o700);
    if (d === root) break;
  }
}
