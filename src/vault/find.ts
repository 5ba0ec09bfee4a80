import type { LoadedConfig } from '../config/load.js';
import type { VaultConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';

/** The vault a command names, or a usage error that lists the configured ones. */
export function findVault(config: LoadedConfig, name: string): VaultConfig {
  const v = config.vaults.find((x) => x.name === name);
  if (!v) {
    const known = config.vaults.map((x) => x.name).join(', ') || 'none';
    throw new UsageError(`no vault named "${name}" in ${config.file}`, `configured vaults: ${known}`);
  }
  return v;
}
