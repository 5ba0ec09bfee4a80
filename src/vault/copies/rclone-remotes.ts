import { runRclone, type RcloneRunner } from './rclone-run.js';

export interface RcloneRemote {
  name: string;
  type: string;
}

/**
 * The remotes in the user's rclone config (`rclone listremotes --long`: names
 * and backend types only, never a credential), for `ssot init` to offer.
 * Empty when rclone is not installed or its config cannot be read.
 */
export async function listRcloneRemotes(runner: RcloneRunner): Promise<RcloneRemote[]> {
  try {
    const res = await runRclone(runner, ['listremotes', '--long'], { label: 'rclone', remoteName: '' });
    if (res.code !== 0) return [];
    return parseRemotes(res.stdout.toString('utf8'));
  } catch {
    return [];
  }
}

export function parseRemotes(text: string): RcloneRemote[] {
  const out: RcloneRemote[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:\s][^:]*):\s+(\S+)/.exec(line.trim());
    const [, name, type] = m ?? [];
    if (name !== undefined && type !== undefined) out.push({ name, type });
  }
  return out;
}
