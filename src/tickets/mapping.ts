import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic.js';
import { ErrorCode, InputError } from '../core/errors.js';

/**
 * `mapping/jira.json`: the team-shared tie between note items and Jira issues.
 * `{ version: 1, items: { "<tie id>": { key, note, title, line? } } }`. The
 * tie id is also the issue's label (`ssot-<id>`), so a mapping that is behind
 * (a teammate's run not pulled yet) is caught by the label search.
 * JSON Schema: schemas/jira-mapping.schema.json.
 */

const entry = z.strictObject({
  key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/),
  note: z.string().min(1),
  title: z.string(),
  /** Hashes of the comments this note already added to the issue. */
  comments: z.array(z.string().regex(/^[0-9a-f]{16}$/)).optional(),
});
const mappingSchema = z.strictObject({
  version: z.literal(1),
  items: z.record(z.string().regex(/^[0-9a-f]{6,16}$/), entry),
});

type MappingEntry = z.infer<typeof entry>;
export type JiraMapping = z.infer<typeof mappingSchema>;

export async function loadMapping(file: string): Promise<JiraMapping> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, items: {} };
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InputError(ErrorCode.Input, `the Jira mapping is not valid JSON: ${(e as Error).message}`, { file, ...(line ? { line } : {}) });
  }
  const r = mappingSchema.safeParse(raw);
  if (!r.success) {
    // zod reports at least one issue when it fails; its own message stands in otherwise.
    const [issue] = r.error.issues;
    throw new InputError(ErrorCode.Input, `the Jira mapping is malformed: ${issue?.message ?? r.error.message}`, { file, ...(issue ? { path: issue.path.join('.') } : {}) }, 'fix it by hand or restore it from git');
  }
  return r.data;
}

export async function saveMapping(file: string, m: JiraMapping): Promise<void> {
  // Sorted keys: the file is committed, and a stable order keeps diffs small.
  const items: Record<string, MappingEntry> = {};
  for (const id of Object.keys(m.items).sort()) {
    const entry = m.items[id];
    if (entry) items[id] = entry;
  }
  await writeJsonAtomic(file, { version: 1, items });
}

/** key -> tie id, for the keys this mapping knows. */
export function keyIndex(m: JiraMapping): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, e] of Object.entries(m.items)) out.set(e.key, id);
  return out;
}
