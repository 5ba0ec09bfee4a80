import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/process.js';

describe('processAlive', () => {
  it('this process and pid 1 (another user’s when not root: EPERM) are alive', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(1)).toBe(true);
  });

  it('a process that has exited is not; nor are zero, negative or non-integer pids (process groups, garbage)', () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.pid).toBeGreaterThan(0);
    expect(processAlive(child.pid)).toBe(false);
    for (const pid of [0, -1, Number.NaN, 1.5]) expect(processAlive(pid)).toBe(false);
  });
});
