/**
 * Is `pid` a live process on this host? Only "no such process" (ESRCH) says
 * no: EPERM is a process of another user, and any doubt counts as alive, since
 * what asks (a lock, a temp file of a write in progress, the watcher's status)
 * would otherwise take over or delete what a running process still holds.
 * Zero and negative numbers name process groups, not a process: not alive.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
