import type { CommandContext } from '../context.js';

/**
 * What `ssot init` offers from the user's rclone: the remotes in its config
 * (names and types only), as commented copy lines for the template and a note
 * on the terminal. Nothing when rclone is not installed or has no remote.
 */
export async function rcloneOffer(ctx: CommandContext): Promise<{ template: string; note?: string }> {
  const { listRcloneRemotes } = await import('../../vault/index.js');
  const remotes = await listRcloneRemotes({ bin: 'rclone', env: ctx.env });
  if (remotes.length === 0) return { template: '' };
  const lines = remotes.map((r) => `#      - rclone: { remote: "${r.name}:security" }   # ${r.type}`);
  return {
    template: `\n# Your rclone remotes (rclone listremotes): any of them can hold a vault copy (docs/rclone.md)\n${lines.join('\n')}\n`,
    note: `rclone remotes you can use as a vault copy: ${remotes.map((r) => `${r.name} (${r.type})`).join(', ')}; add \`- rclone: { remote: "NAME:folder" }\` to a vault's copies (docs/rclone.md)`,
  };
}
