/**
 * The guard's public entry: what `ssot guard` (and the pre-commit hook), the
 * gate before docs and tickets leave the machine (cli/secret-check.ts) and
 * `ssot vault fingerprint` use. Other folders import from here, never from the
 * modules behind it. Every module here needs only node's own: loading them all
 * is what a commit pays anyway (test/guard/cli.test.ts keeps it that way).
 */
export { readBaseline, writeBaseline } from './baseline.js';
export { loadGuardConfig, type GuardConfig } from './config.js';
export { readPaths } from './files.js';
export { buildFingerprintIndex, loadFingerprintIndex, type FingerprintIndex } from './fingerprint.js';
export { GitError, readAll, readStaged, type ReadResult } from './git.js';
export { installHook, uninstallHook } from './hook.js';
export { scanTargets, type Finding, type ScanReport } from './scan.js';
