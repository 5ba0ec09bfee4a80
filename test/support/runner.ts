/**
 * What the harness (never the product) knows of the runner: the setup file
 * (test/setup/hermetic.ts) scrubs CI from the environment and leaves this mark.
 */
export function runnerIsCI(): boolean {
  return process.env['SSOT_TEST_RUNNER_CI'] === '1';
}
