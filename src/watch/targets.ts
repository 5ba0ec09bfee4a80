import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { ErrorCode, SsotError } from '../core/errors.js';
import { conflictCopyTool, vaultFiles } from '../vault/index.js';
import type { RunReport, Target } from './scheduler.js';
import type { WatchPath } from './watcher.js';

/**
 * What the watcher watches and what it runs, from a loaded config. This is the
 * one place where the watcher meets the other parts: the `WatchDeps` functions
 * are the vault sync, the docs publisher and the tickets sync.
 */

export interface WatchDeps {
  /**
   * Sync one vault's primary with its copies (takes the vault's inter-process lock);
   * reports the content it left the primary and folder copies at.
   */
  syncVault(config: LoadedConfig, vault: string, signal: AbortSignal): Promise<void> | Promise<RunReport>;
  /** Publish changed docs to Confluence. */
  pushDocs(config: LoadedConfig, signal: AbortSignal): Promise<void>;
  /** Sync the session notes marked `tickets: ready` with Jira. */
  syncReadyTickets(config: LoadedConfig, signal: AbortSignal): Promise<void>;
}

const notWired = (part: string): never => {
  throw new SsotError(ErrorCode.Internal, `${part} is not wired into the watcher in this build`, {
    hint: `run \`ssot sync --only ${part}\` by hand`,
  });
};

/** Stand-ins until the parts are wired in: each run fails with a clear error (and is retried with backoff). */
export const placeholderDeps: WatchDeps = {
  syncVault: async () => notWired('vault'),
  pushDocs: async () => notWired('docs'),
  syncReadyTickets: async () => notWired('tickets'),
};

const vaultTargetId = (name: string): string => `vault:${name}`;

export function targetsFor(config: LoadedConfig, deps: WatchDeps = placeholderDeps): Target[] {
  const targets: Target[] = config.vaults.map((v) => ({
    id: vaultTargetId(v.name),
    // Polled: an edit saved to Drive or pushed to Git on another machine must reach this primary.
    poll: true,
    run: (signal: AbortSignal) => deps.syncVault(config, v.name, signal),
  }));
  // The docs and tickets sections have defaults: the service's section is what turns a part on.
  if (config.confluence) targets.push({ id: 'docs', run: (signal) => deps.pushDocs(config, signal) });
  if (config.jira) targets.push({ id: 'tickets', run: (signal) => deps.syncReadyTickets(config, signal) });
  return targets;
}

/** The file name a copy holds: its own `name`, else the primary's. */
function copyFileName(primary: string, name: string | undefined): string {
  return name ?? path.basename(primary);
}

export function pathsFor(config: LoadedConfig): WatchPath[] {
  const out: WatchPath[] = [];
  const configured = new Set(config.vaults.flatMap(vaultFiles).map((f) => path.resolve(f)));
  for (const v of config.vaults) {
    const id = vaultTargetId(v.name);
    // A file-sync tool's conflict copy appearing beside one of them is a change too: the sync merges it.
    const file = (p: string): WatchPath => ({
      path: p,
      target: id,
      kind: 'file',
      siblings: (name) => !configured.has(path.resolve(path.dirname(p), name)) && conflictCopyTool(path.basename(p), name) !== undefined,
    });
    out.push(file(v.path));
    // A plain folder copy (NAS, USB) can be written by another machine: a change there is a change too.
    for (const c of v.copies) {
      if ('folder' in c) out.push(file(path.join(c.folder.path, copyFileName(v.path, c.folder.name))));
    }
  }
  if (config.confluence) {
    out.push({ path: config.docs?.root ?? path.join(config.dir, 'docs'), target: 'docs', kind: 'dir' });
    // A `git pull` that brings a teammate's mapping changes what is published.
    out.push({ path: config.docs?.mapping ?? path.join(config.dir, 'mapping', 'confluence.json'), target: 'docs', kind: 'file' });
  }
  if (config.jira) out.push({ path: config.tickets?.notes ?? path.join(config.dir, 'docs', 'session_notes'), target: 'tickets', kind: 'dir' });
  out.push({ path: config.file, target: 'config', kind: 'file' });
  return out;
}
