import type { ErrorJson, ExitCode } from '../core/errors.js';

/**
 * What `--json` prints: one object per line, each one of the messages below,
 * with its `type` and the contract's version `v`. Scripts rely on these
 * shapes: docs/json.md documents them and schemas/json-messages.schema.json
 * checks them (test/cli/json-contract.e2e.test.ts runs every command). A command
 * prints them only through Printer.emit, which takes nothing else.
 *
 * `v` is one number for the whole set: it goes up when a field is removed or
 * renamed, or changes its meaning; a new field or a new message does not
 * raise it (a reader ignores what it does not know).
 */
export const JSON_VERSION = 1;

/** The contract's messages without `v` (the printer adds it). */
export type JsonMessage =
  | WarningMessage | ErrorMessage | InitMessage | ActionMessage | SyncSummary | VaultLocationMessage | VaultErrorMessage | VaultConflictCopyMessage
  | DocsStatusMessage | TicketsStatusMessage | WatcherMessage | CheckMessage | VerifyMessage | VerifySummaryMessage | VersionMessage | RestoreMessage
  | FingerprintMessage | DocMessage | DocsSummary | UnmappedMessage | RenderMessage | PullMessage | PruneMessage | ReadMessage | PlanMessage
  | OutcomeMessage | NoteMessage | SkippedMessage | FindingMessage | GuardSummary | BaselineMessage | HookInstallMessage | HookUninstallMessage
  | ServiceInstallMessage | ServiceUninstallMessage | ServiceStatusMessage | ServiceEnvMessage | KeyringMessage | AuthMessage | DevServicesMessage;

/** Every message type, once (the compiler checks that none is missing): the tests compare it with the schema's. */
const TYPES: Record<JsonMessage['type'], true> = {
  warning: true, error: true, init: true, action: true, summary: true, 'vault-location': true, 'vault-error': true, 'vault-conflict-copy': true,
  docs: true, tickets: true, watcher: true, check: true, verify: true, 'verify-summary': true, version: true, restore: true, fingerprint: true,
  doc: true, unmapped: true, render: true, pull: true, prune: true, read: true, plan: true, outcome: true, note: true, skipped: true,
  finding: true, baseline: true, hook: true, service: true, 'service-env': true, keyring: true, auth: true, 'dev-services': true,
};
export const MESSAGE_TYPES = Object.keys(TYPES) as JsonMessage['type'][];

// ---- any command

interface WarningMessage {
  type: 'warning';
  message: string;
}

/** An error that stopped the command, or one of several problems found before anything was written. */
type ErrorMessage = ErrorJson;

interface InitMessage {
  type: 'init';
  config: string;
}

// ---- ssot sync

interface ActionMessage {
  type: 'action';
  part: 'vault' | 'docs' | 'tickets';
  target: string;
  action: string;
  detail?: string;
  error?: ErrorJson;
  dryRun: boolean;
}

interface SyncSummary {
  type: 'summary';
  dryRun: boolean;
  exitCode: ExitCode;
  parts: { part: 'vault' | 'docs' | 'tickets'; actions: number; exitCode: ExitCode }[];
}

// ---- ssot status

/** The last error recorded for a location or a vault. */
interface LastErrorJson {
  code: string;
  message: string;
  at: string;
}

interface VaultLocationMessage {
  type: 'vault-location';
  vault: string;
  location: string;
  agrees: boolean;
  changedSinceSync: boolean;
  lastSync: string | null;
  lastError: LastErrorJson | null;
}

interface VaultErrorMessage {
  type: 'vault-error';
  vault: string;
  lastError: LastErrorJson;
}

interface VaultConflictCopyMessage {
  type: 'vault-conflict-copy';
  vault: string;
  file: string;
  tool: string;
  outcome: 'merged' | 'left alone';
  at: string;
  reason?: string;
  movedTo?: string;
}

interface DocsStatusMessage {
  type: 'docs';
  mapped: number;
  published: number;
  unmapped: string[];
  conflicts: string[];
  orphans: { key: string; id?: string; title?: string; parentOf?: string }[];
  pages: Record<string, { id: string; version?: number }>;
}

interface TicketsStatusMessage {
  type: 'tickets';
  tied: number;
  pending: string[];
}

/** One watcher target as its status file has it. */
interface WatchTargetJson {
  id: string;
  running: boolean;
  pending: boolean;
  runs: number;
  lastReason?: string;
  lastRunAt?: string;
  lastRunMs?: number;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  consecutiveFailures: number;
  nextRetryAt?: string;
}

interface WatcherMessage {
  type: 'watcher';
  running: boolean;
  pid: number;
  /** Only when the watcher runs another config: then no targets are shown. */
  configFile?: string;
  targets: WatchTargetJson[];
}

// ---- ssot doctor

interface CheckMessage {
  type: 'check';
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

// ---- ssot vault

interface VerifyMessage {
  type: 'verify';
  vault: string;
  location: string;
  status: 'ok' | 'differs' | 'missing' | 'error' | 'other-database';
  entries?: number;
  keepassxc?: 'ok' | 'refused';
  error?: ErrorJson;
}

interface VerifySummaryMessage {
  type: 'verify-summary';
  vault: string;
  agree: boolean;
  missingRequired: string[];
}

interface VersionMessage {
  type: 'version';
  id: string;
  time: string;
  description?: string;
}

interface RestoreMessage {
  type: 'restore';
  vault: string;
  from: 'git' | 'gdrive' | 'rclone' | 'backup';
  version: string;
  backup?: string;
  written: string[];
}

interface FingerprintMessage {
  type: 'fingerprint';
  indexed: number;
  skipped: number;
}

// ---- ssot docs

interface DocMessage {
  type: 'doc';
  key: string;
  file?: string;
  title?: string;
  action: 'create' | 'update' | 'skip' | 'conflict' | 'error';
  pageId?: string;
  version?: number;
  message?: string;
  savedRemote?: string;
  line?: number;
  dryRun: boolean;
}

interface DocsSummary {
  type: 'summary';
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  failed: number;
  dryRun: boolean;
}

interface UnmappedMessage {
  type: 'unmapped';
  key: string;
  added: boolean;
}

interface RenderMessage {
  type: 'render';
  title: string;
  xhtml: string;
}

interface PullMessage {
  type: 'pull';
  key: string;
  file: string;
  action: 'pulled' | 'error';
  pageId?: string;
  version?: number;
  backup?: string;
  message?: string;
  notes: string[];
}

interface PruneMessage {
  type: 'prune';
  key: string;
  id?: string;
  title?: string;
  action: 'archive' | 'forget' | 'keep' | 'error';
  message?: string;
  dryRun: boolean;
}

// ---- ssot tickets sync

interface ReadMessage {
  type: 'read';
  note: string;
  line: number;
  kind: 'section' | 'item' | 'mention' | 'ignored';
  text: string;
}

interface PlanMessage {
  type: 'plan';
  note: string;
  line: number;
  key: string | null;
  title: string;
  ops: { kind: 'create' | 'update' | 'transition' | 'progress' | 'comment' | 'link' | 'conflict' | 'wait'; detail: string }[];
}

interface OutcomeMessage {
  type: 'outcome';
  note: string;
  line: number;
  title: string;
  key?: string;
  status: 'changed' | 'unchanged' | 'conflict' | 'failed' | 'waiting' | 'planned';
  did: string[];
  message?: string;
}

// ---- ssot guard

interface NoteMessage {
  type: 'note';
  message: string;
}

interface SkippedMessage {
  type: 'skipped';
  file: string;
  reason: string;
}

interface FindingMessage {
  type: 'finding';
  file: string;
  line: number;
  column: number;
  rule: string;
  description: string;
  /** At most the first four characters and the length; a vault value shows only its entry. */
  match: string;
  fingerprint: string;
  entry?: string;
  variant?: string;
}

export interface GuardSummary {
  type: 'summary';
  mode: 'all' | 'paths' | 'staged';
  files: number;
  findings: number;
  allowedByBaseline: number;
  allowedInline: number;
  skipped: number;
  vaultIndex: 'used' | 'unusable' | 'not used';
}

interface BaselineMessage {
  type: 'baseline';
  file: string;
  added: number;
  total: number;
}

interface HookInstallMessage {
  type: 'hook';
  action: 'installed' | 'updated';
  kind: 'hooks-dir' | 'husky';
  file: string;
  /** The hook that was there, kept and run first. */
  chained?: string;
}

interface HookUninstallMessage {
  type: 'hook';
  action: 'removed' | 'not-installed';
  file?: string;
  /** The hook that was there before ssot's, put back. */
  restored?: string;
}

// ---- ssot service

interface ServiceInstallMessage {
  type: 'service';
  action: 'install';
  platform: 'systemd' | 'launchd';
  file: string;
  unchanged: boolean;
}

interface ServiceUninstallMessage {
  type: 'service';
  action: 'uninstall';
  platform: 'systemd' | 'launchd';
  file: string;
  removed: boolean;
}

interface ServiceStatusMessage {
  type: 'service';
  platform: 'systemd' | 'launchd';
  file: string;
  installed: boolean;
  outdated: boolean;
  active: boolean;
  state: string;
  pid?: number;
  /** The watcher's status file, as it is on this machine; null when it never ran. */
  watcher: {
    version: 1;
    pid: number;
    host: string;
    startedAt: string;
    updatedAt: string;
    stoppedAt?: string;
    configFile?: string;
    targets: WatchTargetJson[];
    running: boolean;
  } | null;
}

interface ServiceEnvMessage {
  type: 'service-env';
  file: string;
  copied: string[];
  missing: string[];
}

// ---- credentials and the stand-ins

interface KeyringMessage {
  type: 'keyring';
  action: 'set';
  ref: string;
  store: 'secret-service' | 'keychain' | 'windows' | 'file';
  where: string;
}

interface AuthMessage {
  type: 'auth';
  service: 'gdrive';
  scope: string;
  stored: string;
}

interface DevServicesMessage {
  type: 'dev-services';
  drive: string;
  confluence: string;
  jira: string;
  env: Record<string, string>;
}
