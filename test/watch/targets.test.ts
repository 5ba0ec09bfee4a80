import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConflictError, ErrorCode, InputError, isSsotError, RemoteError } from '../../src/core/errors.js';
import { redactor } from '../../src/core/redact.js';
import { pathsFor, placeholderDeps, targetsFor, type WatchDeps } from '../../src/watch/targets.js';
import { defaultRetryable, describeError } from '../../src/watch/watcher.js';

const file = '/home/ada/repo/ssot.config.yaml';
const config = parseConfig(
  `vaults:
  - name: chronos
    path: ~/security/chronos_secrets.kdbx
    copies:
      - git: { repo: ~/security/keepass_versions }
      - folder: { path: /media/usb/vault }
      - folder: { path: /mnt/nas, name: backup.kdbx }
  - name: team
    path: vaults/team.kdbx
confluence:
  baseUrl: https://example.atlassian.net/wiki
  email: { env: ATLASSIAN_EMAIL }
  token: { env: ATLASSIAN_TOKEN }
  space: PC
docs:
  root: docs
jira:
  baseUrl: https://example.atlassian.net
  email: { env: ATLASSIAN_EMAIL }
  token: { env: ATLASSIAN_TOKEN }
  project: CHRONOS
tickets:
  notes: docs/session_notes
`,
  file,
);

describe('watch targets from the config', () => {
  it('watches each primary (and plain folder copies) as files, docs and notes as folders, and the config', () => {
    const home = process.env['HOME']!;
    const siblings = expect.any(Function) as unknown as (name: string) => boolean;
    expect(pathsFor(config)).toEqual([
      { path: path.join(home, 'security/chronos_secrets.kdbx'), target: 'vault:chronos', kind: 'file', siblings },
      { path: '/media/usb/vault/chronos_secrets.kdbx', target: 'vault:chronos', kind: 'file', siblings },
      { path: '/mnt/nas/backup.kdbx', target: 'vault:chronos', kind: 'file', siblings },
      { path: '/home/ada/repo/vaults/team.kdbx', target: 'vault:team', kind: 'file', siblings },
      { path: '/home/ada/repo/docs', target: 'docs', kind: 'dir' },
      { path: '/home/ada/repo/mapping/confluence.json', target: 'docs', kind: 'file' },
      { path: '/home/ada/repo/docs/session_notes', target: 'tickets', kind: 'dir' },
      { path: file, target: 'config', kind: 'file' },
    ]);
  });

  it("counts a file-sync tool's conflict copy beside a vault file as a change of it, but not another vault's file", () => {
    const twoInOneFolder = parseConfig(
      `vaults:
  - name: chronos
    path: /v/chronos.kdbx
    copies:
      - folder: { path: /mnt/nas, name: backup.kdbx }
  - name: team
    path: /v/chronos-team.kdbx
`,
      file,
    );
    const [primary, nas, team] = pathsFor(twoInOneFolder);
    expect(primary!.siblings!('chronos.sync-conflict-20251130-101010-ABCDEF7.kdbx')).toBe(true);
    expect(primary!.siblings!('chronos (1).kdbx')).toBe(true);
    expect(primary!.siblings!('chronos-team.kdbx')).toBe(false); // the other vault, though it reads like OneDrive's "keep both"
    expect(primary!.siblings!('chronos-laptop.kdbx')).toBe(true);
    expect(primary!.siblings!('.chronos.kdbx.123.0a1b2c3d.tmp')).toBe(false);
    expect(primary!.siblings!('notes.txt')).toBe(false);
    expect(nas!.siblings!("backup (Ada's conflicted copy 2025-11-30).kdbx")).toBe(true);
    expect(nas!.siblings!('chronos (1).kdbx')).toBe(false);
    expect(team!.siblings!('chronos-team (1).kdbx')).toBe(true);
  });

  it('makes one target per vault (polled), docs and tickets, each calling its part', async () => {
    const calls: string[] = [];
    const deps: WatchDeps = {
      syncVault: async (_c, name) => void calls.push(`vault ${name}`),
      pushDocs: async () => void calls.push('docs'),
      syncReadyTickets: async () => void calls.push('tickets'),
    };
    const ts = targetsFor(config, deps);
    expect(ts.map((t) => [t.id, Boolean(t.poll)])).toEqual([
      ['vault:chronos', true],
      ['vault:team', true],
      ['docs', false],
      ['tickets', false],
    ]);
    for (const t of ts) await t.run(new AbortController().signal);
    expect(calls).toEqual(['vault chronos', 'vault team', 'docs', 'tickets']);
  });

  it('leaves out the parts a config does not have; the placeholders fail with a clear error', async () => {
    const docsOnly = parseConfig('confluence:\n  baseUrl: https://x.atlassian.net\n  email: { env: E }\n  token: { env: T }\n  space: PC\ndocs:\n  root: docs\n', file);
    expect(targetsFor(docsOnly).map((t) => t.id)).toEqual(['docs']);
    expect(pathsFor(docsOnly).map((p) => p.target)).toEqual(['docs', 'docs', 'config']);
    const err = await targetsFor(docsOnly, placeholderDeps)[0]!.run(new AbortController().signal).catch((e: unknown) => e);
    expect(isSsotError(err) && err.message).toMatch(/docs is not wired/);
  });
});

describe('errors in the status file', () => {
  it('name the place and never carry a secret the redactor knows', () => {
    redactor.add('tok-9f8e7d6c5b');
    expect(describeError(new Error('401 for tok-9f8e7d6c5b'))).toBe('401 for [REDACTED]');
    const bad = new InputError(ErrorCode.Config, 'unknown key "debounceMS"', { file: '/r/ssot.config.yaml', line: 2, column: 3 });
    expect(describeError(bad)).toBe('/r/ssot.config.yaml:2:3: unknown key "debounceMS"');
    // Retried by itself: network and server trouble. Not: config and conflicts.
    expect([bad, new ConflictError('edited in Confluence'), new RemoteError('503', { retryable: true }), new Error('ECONNRESET')].map(defaultRetryable)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
