import { readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';

// The whole suite is proven hermetic by running it with GIT_AUTHOR_NAME,
// GIT_AUTHOR_EMAIL, NO_COLOR, CI and XDG_STATE_HOME set; this file checks
// what the setup file promises, so a change to it that lets one through fails here.
describe('the test environment', () => {
  it('has none of the runner\'s GIT_*, XDG_*, SSOT_*, NO_COLOR or CI, and an empty HOME of its own', () => {
    const leaked = Object.keys(process.env).filter((k) => /^(GIT_|XDG_|SSOT_)/.test(k) && !['SSOT_API_SPECS', 'SSOT_TEST_RUNNER_CI'].includes(k));
    expect(leaked).toEqual([]);
    expect(process.env['NO_COLOR']).toBeUndefined();
    expect(process.env['CI']).toBeUndefined();
    expect(os.homedir()).toContain(os.tmpdir());
    expect(readdirSync(os.homedir())).toEqual([]);
  });
});
