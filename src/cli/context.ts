import { UsageError } from '../core/errors.js';
// Loaded when a command asks for the config: yaml and zod cost ~60 ms, which `ssot guard` (a commit hook) must not pay.
import type { LoadedConfig } from '../config/load.js';
import type { Printer } from './output.js';

export interface GlobalOptions {
  config?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** What every command action receives. */
export interface CommandContext {
  opts: GlobalOptions;
  out: Printer;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The config, or a usage error that says how to make one. */
  config(): Promise<LoadedConfig>;
  /** The config if there is one (guard runs without). */
  maybeConfig(): Promise<LoadedConfig | undefined>;
  /** True when a person can answer a prompt. */
  interactive: boolean;
}

export function createContext(opts: GlobalOptions, out: Printer): CommandContext {
  let cached: Promise<LoadedConfig | undefined> | undefined;
  const maybeConfig = (): Promise<LoadedConfig | undefined> => {
    cached ??= import('../config/load.js').then(({ findConfig, loadConfig }) =>
      findConfig(opts.config ? { explicit: opts.config } : {}).then((f) => (f ? loadConfig(f) : undefined)),
    );
    return cached;
  };
  return {
    opts,
    out,
    cwd: process.cwd(),
    env: process.env,
    interactive: process.stdin.isTTY && process.stdout.isTTY,
    maybeConfig,
    async config() {
      const c = await maybeConfig();
      if (!c) throw new UsageError('no ssot.config.yaml found here or in any parent folder', 'run `ssot init`, or pass --config PATH');
      return c;
    },
  };
}
