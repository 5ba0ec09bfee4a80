import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { syncDocs, type SyncDocsOptions } from '../../src/docs/index.js';
import type { DocsSyncResult } from '../../src/docs/publish.js';
import type { TestConfluence } from '../standins/confluence.js';

// The per-machine state (the docs cache) goes to a temporary folder, never the user's.
process.env['XDG_STATE_HOME'] = mkdtempSync(path.join(os.tmpdir(), 'ssot-state-'));

export interface Project {
  dir: string;
  docs: string;
  mappingFile: string;
  config(extra?: string): LoadedConfig;
  write(rel: string, content: string | Uint8Array): Promise<void>;
  mapping(): Promise<{ spaceId?: string; pages: Record<string, { id?: string; version?: number; hash?: string; parent?: string; title?: string; attachments?: Record<string, string>; labels?: string[] }> }>;
}

export async function makeProject(standin: TestConfluence, files: Record<string, string | Uint8Array>, opts: { baseUrl?: string } = {}): Promise<Project> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-docs-'));
  const docs = path.join(dir, 'docs');
  const write = async (rel: string, content: string | Uint8Array): Promise<void> => {
    const f = path.join(docs, rel);
    await fs.mkdir(path.dirname(f), { recursive: true });
    await fs.writeFile(f, content);
  };
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  const mappingFile = path.join(dir, 'mapping', 'confluence.json');
  return {
    dir,
    docs,
    mappingFile,
    write,
    config: (extra = '') =>
      parseConfig(
        `confluence:\n  baseUrl: ${opts.baseUrl ?? standin.url}\n  email: { env: ATLASSIAN_EMAIL }\n  token: { env: ATLASSIAN_TOKEN }\n  space: PC\ndocs:\n  root: docs\n  mapping: mapping/confluence.json\n${extra}`,
        path.join(dir, 'ssot.config.yaml'),
      ),
    mapping: async () => JSON.parse(await fs.readFile(mappingFile, 'utf8')) as Awaited<ReturnType<Project['mapping']>>,
  };
}

/** Sleeps asked for by the retry policy (no real waiting in tests). */
export const sleeps: number[] = [];

export function push(p: Project, opts: Partial<SyncDocsOptions> = {}, extraConfig = ''): Promise<DocsSyncResult> {
  return syncDocs(p.config(extraConfig), {
    dryRun: false,
    force: false,
    credentials: { email: 'bot@example.com', token: 'test-token-123' },
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      baseDelayMs: 1,
    },
    ...opts,
  });
}

export function actions(r: DocsSyncResult): Record<string, string> {
  return Object.fromEntries(r.docs.map((d) => [d.key, d.action]));
}
