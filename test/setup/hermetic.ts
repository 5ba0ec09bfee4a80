/**
 * Runs before every test file (vitest `setupFiles`): the tests see none of the
 * environment of the person or the CI job running them. Their git identity and
 * config, their XDG folders, their ssot settings, their HOME, NO_COLOR and CI
 * would otherwise leak into the product under test and into every child
 * process a test starts (`{ ...process.env }`), so a run on one laptop could
 * pass where it fails on another. Each test file gets a fresh, empty HOME.
 *
 * Whether the runner is a CI job still matters to the harness (there a missing
 * keepassxc-cli is a failure, not a skip): it is kept apart, in
 * `runnerIsCI()`, and never reaches the product.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const SCRUBBED = /^(GIT_|XDG_|SSOT_)/;
/** Harness settings (where the API documents and fetched databases are), not product settings: kept. */
const HARNESS = ['SSOT_API_SPECS', 'SSOT_KDBX_EXTRA'];
const ALSO = ['HOME', 'NO_COLOR', 'CI', 'FORCE_COLOR', 'EDITOR', 'VISUAL'];

const ci = process.env['CI'];
for (const k of Object.keys(process.env)) {
  if ((SCRUBBED.test(k) && !HARNESS.includes(k)) || ALSO.includes(k)) delete process.env[k];
}
if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') process.env['SSOT_TEST_RUNNER_CI'] = '1';

const home = mkdtempSync(path.join(os.tmpdir(), 'ssot-home-'));
process.env['HOME'] = home;
afterAll(() => rmSync(home, { recursive: true, force: true }));
