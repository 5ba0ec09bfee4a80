import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Finding the config costs no yaml or zod: `ssot guard` (a commit hook) uses this alone. */
export const CONFIG_FILE = 'ssot.config.yaml';

/** `--config`, else `$SSOT_CONFIG`, else the nearest ssot.config.yaml from `cwd` up. */
export async function findConfig(opts: { explicit?: string | undefined; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string | undefined> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.explicit) return path.resolve(cwd, opts.explicit);
  if (env['SSOT_CONFIG']) return path.resolve(cwd, env['SSOT_CONFIG']);
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    try {
      await fs.access(candidate);
      return candidate;
    } catch {
      /* keep looking up */
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
