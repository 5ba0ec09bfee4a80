import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the stand-ins by their package name, from source: a change to
// packages/standins is seen without a build (the CLI and the demo run its dist).
const standins = fileURLToPath(new URL('./packages/standins/src/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ssot\/standins$/, replacement: `${standins}index.ts` },
      { find: /^@ssot\/standins\/(confluence|jira|drive)$/, replacement: `${standins}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The runner's GIT_*, XDG_*, SSOT_*, HOME, NO_COLOR and CI change nothing (test/setup/hermetic.ts).
    setupFiles: ['test/setup/hermetic.ts'],
    // Forks, not threads: git and chdir-based tests need real processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    clearMocks: true,
    restoreMocks: true,
  },
});
