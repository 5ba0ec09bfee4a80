import type * as Files from './files.js';
import type * as Hook from './hook.js';

/**
 * The guard's public entry: what `ssot guard` (and the pre-commit hook), the
 * gate before docs and tickets leave the machine (cli/secret-check.ts) and
 * `ssot vault fingerprint` use. Other folders import from here, never from the
 * modules behind it. What every scan needs loads with it (node's own modules
 * only: test/guard/cli.test.ts keeps it so); scanning given paths and
 * installing the hook load on their first call.
 */
export { readBaseline, writeBaseline } from './baseline.js';
export { loadGuardConfig, type GuardConfig } from './config.js';
export { buildFingerprintIndex, loadFingerprintIndex, type FingerprintIndex } from './fingerprint.js';
export { GitError, readAll, readStaged, type ReadResult } from './git.js';
export { scanTargets, type Finding, type ScanReport } from './scan.js';

export const readPaths: typeof Files.readPaths = async (...a) => (await import('./files.js')).readPaths(...a);
export const installHook: typeof Hook.installHook = async (...a) => (await import('./hook.js')).installHook(...a);
export const uninstallHook: typeof Hook.uninstallHook = async (...a) => (await import('./hook.js')).uninstallHook(...a);
