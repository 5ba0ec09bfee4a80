import { defineConfig } from 'vitest/config';

export default defineConfig({
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
