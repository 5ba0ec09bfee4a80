import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { ExitCode } from '../core/errors.js';
import type { ConfluenceApi } from './api.js';
import { conflictFile } from './conflict.js';
import { readMapping, writeMapping, type Mapping, type PageEntry } from './mapping.js';
import { problemOf, type PlanSettings } from './plan.js';
import { isFolderKey, listDocs } from './project.js';
import type { SecretCheck } from './publish.js';
import { remoteAsDoc } from './remote-doc.js';
import { DocSet, type DocProblem } from './render.js';
import { messageOf } from './writes.js';

/**
 * `ssot docs pull PATH…`: take the version of each page in Confluence into
 * its doc, as markdown, and record that version in the mapping, so the next
 * push is clean (no conflict, no write). The doc's text before is kept under
 * the state folder; a page holding what the guard calls a secret is not
 * written to disk.
 */

interface PullOutcomeBase {
  key: string;
  file: string;
  /** What could not be carried over into markdown. */
  notes: string[];
}

type PullOutcome =
  | (PullOutcomeBase & {
      action: 'pulled';
      pageId: string;
      version: number;
      /** Where the doc's text before the pull was saved. */
      backup?: string;
    })
  | (PullOutcomeBase & { action: 'error'; pageId?: string; message: string });

export interface PullResult {
  docs: PullOutcome[];
  invalid: DocProblem[];
  /** 0 done, 1 some doc failed, 2 bad input (nothing written). */
  exitCode: ExitCode;
}

export interface PullOptions {
  /** Absolute paths of docs. */
  paths: readonly string[];
  secretCheck?: SecretCheck;
  /** Where the docs' previous text is saved. */
  backupDir: string;
}

interface PullRun {
  settings: PlanSettings;
  mapping: Mapping;
  onDisk: string[];
  docs: DocSet;
  api: () => Promise<ConfluenceApi>;
  opts: PullOptions;
}

export async function pullDocs(settings: PlanSettings, api: () => Promise<ConfluenceApi>, opts: PullOptions): Promise<PullResult> {
  const result: PullResult = { docs: [], invalid: [], exitCode: ExitCode.OK };
  let mapping: Mapping;
  try {
    mapping = await readMapping(settings.mappingFile, settings.space);
  } catch (e) {
    result.invalid.push(problemOf(e, settings.mappingFile));
    return { ...result, exitCode: ExitCode.USAGE };
  }
  const onDisk = await listDocs(settings.root, settings.exclude);
  const keys = selectDocs(settings, mapping, onDisk, opts.paths, result.invalid);
  if (result.invalid.length > 0) return { ...result, exitCode: ExitCode.USAGE };
  const run: PullRun = { settings, mapping, onDisk, docs: new DocSet(settings, mapping, onDisk), api, opts };
  for (const selected of keys) {
    const { key } = selected;
    const outcome = await pullOne(run, selected).catch((e: unknown): PullOutcome => ({ key, file: run.docs.fileOf(key), action: 'error', message: messageOf(e), notes: [] }));
    result.docs.push(outcome);
  }
  return { ...result, exitCode: result.docs.some((d) => d.action === 'error') ? ExitCode.FAILURE : ExitCode.OK };
}

function selectDocs(settings: PlanSettings, mapping: Mapping, onDisk: string[], paths: readonly string[], invalid: DocProblem[]): Selected[] {
  const keys: Selected[] = [];
  for (const p of paths) {
    const key = path.relative(settings.root, p).split(path.sep).join('/');
    const problem = (message: string): void => void invalid.push({ file: p, key, message });
    if (key.startsWith('..') || path.isAbsolute(key)) problem(`not under docs.root (${settings.root})`);
    else if (!onDisk.includes(key)) problem('not a markdown doc under docs.root (a file, not excluded)');
    else {
      const entry = mapping.pages[key];
      if (entry?.id) keys.push({ key, entry, id: entry.id });
      else problem('has no page yet (not in the mapping, or never pushed): nothing to pull');
    }
  }
  return keys;
}

/** A doc to pull: its mapping entry, which has a page. */
interface Selected {
  key: string;
  entry: PageEntry;
  id: string;
}

async function pullOne(run: PullRun, { key, entry, id }: Selected): Promise<PullOutcome> {
  const { docs, mapping } = run;
  const file = docs.fileOf(key);
  const { page: before } = await docs.prepare(key);
  const remote = await (await run.api()).pageWithBody(id);
  if (remote.status === 'archived') return { key, file, pageId: id, action: 'error', message: `page ${id} is archived in Confluence: nothing to pull`, notes: [] };
  const present = Object.keys(mapping.pages).filter((k) => isFolderKey(k) || run.onDisk.includes(k));
  const doc = await remoteAsDoc({ root: run.settings.root, docs, present, mermaidMacro: run.settings.mermaidMacro ?? 'mermaid-cloud' }, key, remote, before.attachments);
  const findings = run.opts.secretCheck ? await run.opts.secretCheck(doc.text, file) : [];
  const [f] = findings;
  if (f) {
    return { key, file, pageId: id, action: 'error', message: `page ${id} holds what the guard calls a secret (${f.rule}${f.line ? ` on line ${f.line}` : ''}): not written into the doc; remove it in Confluence first`, notes: doc.notes };
  }
  const backup = await saveBackup(run.opts.backupDir, key, file);
  await writeFileAtomic(file, doc.text);
  await fs.rm(conflictFile(file), { force: true });
  // What a push would now compute for the doc: recorded with the page's version, the next push has nothing to do.
  const fresh = new DocSet(run.settings, mapping, run.onDisk);
  const { page: after } = await fresh.prepare(key);
  entry.version = remote.version;
  entry.hash = after.hash;
  entry.title = remote.title;
  await writeMapping(run.settings.mappingFile, mapping);
  return { key, file, pageId: id, version: remote.version, action: 'pulled', ...(backup ? { backup } : {}), notes: doc.notes };
}

async function saveBackup(dir: string, key: string, file: string): Promise<string | undefined> {
  let text: Buffer;
  try {
    text = await fs.readFile(file);
  } catch {
    return undefined;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = path.join(dir, `${key.replace(/[/\\]/g, '__')}.${stamp}`);
  await writeFileAtomic(target, text, { mode: 0o600 });
  return target;
}
