import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

/**
 * What `--help` adds below commander's option list: examples a person can
 * copy, the exit codes, and where the docs are (the installed package's own
 * docs/ folder, so the pointer works offline and matches the version).
 */

interface HelpExtra {
  examples: string[];
  /** The doc under docs/ that explains this command. */
  doc?: string;
  /** More lines, after the examples (how to stop the watcher, where its log is). */
  notes?: string[];
}

/** dist/cli/help.js and src/cli/help.ts are both two folders below the package root. */
export const DOCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

const EXIT_CODES = [
  'Exit codes:',
  '  0  done',
  '  1  a failure (for `ssot guard`: secrets found); `ssot status` shows the last error',
  '  2  usage, config or credential error: nothing was written',
  '  3  a conflict that needs a person (a page edited in Confluence, a note naming the wrong key)',
];

/** Keyed by the command path without `ssot` ("" is the program itself). */
export const HELP: Record<string, HelpExtra> = {
  '': {
    examples: ['ssot init', 'ssot doctor', 'ssot sync --dry-run', 'ssot sync', 'ssot status', 'ssot watch', 'ssot service install', 'ssot guard install'],
    doc: 'getting-started.md',
    notes: ['Every command takes --help.', 'Global options go before or after the command: --config PATH, --json, --quiet, --verbose.'],
  },
  vault: { examples: ['ssot vault verify', 'ssot vault restore chronos --from git --list', 'ssot vault create chronos'], doc: 'merge.md' },
  docs: { examples: ['ssot docs map --write', 'ssot docs push --dry-run'], doc: 'confluence-setup.md' },
  tickets: { examples: ['ssot tickets sync --dry-run'], doc: 'session-notes.md' },
  service: { examples: ['ssot service install', 'ssot service status', 'ssot service uninstall'], doc: 'watch.md' },
  keyring: { examples: ['ssot keyring set ssot/chronos'], doc: 'configuration.md' },
  auth: { examples: ['ssot auth gdrive'], doc: 'drive-setup.md' },
  init: { examples: ['ssot init', 'ssot init --force'], doc: 'configuration.md' },
  sync: {
    examples: ['ssot sync --dry-run', 'ssot sync', 'ssot sync --only vault', 'ssot sync --only docs,tickets --json'],
    doc: 'troubleshooting.md',
  },
  watch: {
    examples: ['ssot watch', 'ssot watch --verbose', 'ssot service install'],
    doc: 'watch.md',
    notes: [
      'To stop it: Ctrl-C (or `kill PID`, SIGTERM): it finishes the step in flight and exits 0; a second',
      'Ctrl-C aborts that step. As a service: `ssot service uninstall` (or `systemctl --user stop ssot-watch`).',
      'Its log: $XDG_STATE_HOME/ssot/logs/watch.log (default ~/.local/state/ssot/logs/watch.log), JSON lines;',
      '`ssot status` shows what it is doing. SIGHUP (or saving the config) reloads the config.',
    ],
  },
  'service install': {
    examples: ['ssot service install', 'ssot service install --copy-env', 'ssot service status'],
    doc: 'watch.md',
    notes: ['Variables that { env: NAME } references need go in the 0600 environment file it names (--copy-env copies them from this shell).'],
  },
  'service uninstall': { examples: ['ssot service uninstall'], doc: 'watch.md' },
  'service status': { examples: ['ssot service status'], doc: 'watch.md' },
  status: { examples: ['ssot status', 'ssot status --json'], doc: 'troubleshooting.md' },
  doctor: { examples: ['ssot doctor', 'ssot doctor --json'], doc: 'troubleshooting.md' },
  'vault verify': { examples: ['ssot vault verify', 'ssot vault verify chronos'], doc: 'merge.md' },
  'vault restore': {
    examples: ['ssot vault restore chronos --from git --list', 'ssot vault restore chronos --from backup --at 2026-03-01', 'ssot vault restore chronos --from gdrive --at REV --yes'],
    doc: 'merge.md',
  },
  'vault create': { examples: ['ssot vault create chronos'], doc: 'getting-started.md' },
  'vault fingerprint': { examples: ['ssot vault fingerprint'], doc: 'guard.md' },
  'docs push': { examples: ['ssot docs push --dry-run', 'ssot docs push', 'ssot docs push docs/runbook.md --force'], doc: 'confluence-setup.md' },
  'docs map': { examples: ['ssot docs map', 'ssot docs map --write'], doc: 'confluence-mapping.md' },
  'docs render': { examples: ['ssot docs render docs/index.md'], doc: 'confluence-mapping.md' },
  'tickets sync': { examples: ['ssot tickets sync --dry-run', 'ssot tickets sync docs/session_notes/session-2026-03-10.md'], doc: 'session-notes.md' },
  guard: { examples: ['ssot guard', 'ssot guard --all', 'ssot guard src/settings.py', 'ssot guard install'], doc: 'guard.md' },
  'guard install': { examples: ['ssot guard install'], doc: 'guard.md' },
  'keyring set': { examples: ['ssot keyring set ssot/chronos', 'printf %s "$TOKEN" | ssot keyring set ssot/gdrive'], doc: 'configuration.md' },
  'keyring delete': { examples: ['ssot keyring delete ssot/chronos'], doc: 'configuration.md' },
  'auth gdrive': { examples: ['ssot auth gdrive', 'ssot auth gdrive --no-browser'], doc: 'drive-setup.md' },
  'dev-services': { examples: ['ssot dev-services', 'ssot dev-services --port 9400'], doc: 'getting-started.md' },
};

/** The command path of `cmd` without the program name: "vault verify". */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command = cmd; c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the examples, the exit codes and the docs pointer to `cmd`'s --help. */
export function addHelpExtras(cmd: Command, key = commandPath(cmd)): void {
  const extra = HELP[key];
  cmd.addHelpText('after', () => helpText(extra));
}

function helpText(extra: HelpExtra | undefined): string {
  const lines: string[] = [''];
  if (extra?.examples.length) lines.push('Examples:', ...extra.examples.map((e) => `  $ ${e}`), '');
  if (extra?.notes?.length) lines.push(...extra.notes, '');
  lines.push(...EXIT_CODES, '');
  const doc = extra?.doc ? path.join(DOCS_DIR, extra.doc) : path.join(DOCS_DIR, '..', 'README.md');
  lines.push(`Docs: ${doc}`, `      (every error and its fix: ${path.join(DOCS_DIR, 'troubleshooting.md')})`);
  return lines.join('\n');
}
