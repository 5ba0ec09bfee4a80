import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic.js';
import { ErrorCode, InputError } from '../core/errors.js';

/**
 * `mapping/confluence.json`: which local doc is which Confluence page. Shared
 * by the team (committed); the JSON Schema in schemas/confluence-mapping.schema.json
 * describes the same shape for editors and CI.
 */

const hash = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 hex digits');
const pageId = z.string().regex(/^\d+$/, 'a page id is digits only');

const pageEntrySchema = z.strictObject({
  /** Confluence page id; absent until the page is created. */
  id: pageId.optional(),
  /** The title last published. */
  title: z.string().min(1).optional(),
  /** A key of this mapping (a doc path or a folder `dir/`) or a page id. */
  parent: z.string().min(1).optional(),
  /** The page version ssot last wrote. */
  version: z.number().int().min(1).optional(),
  /** Content hash of what ssot last wrote. */
  hash: hash.optional(),
  /** The `ssot` content property on the page: its id and version. */
  property: z.strictObject({ id: z.string().min(1), version: z.number().int().min(1) }).optional(),
  /** Attachment file name to the hash of the bytes last uploaded. */
  attachments: z.record(z.string().min(1), hash).optional(),
  /** Labels ssot last set. */
  labels: z.array(z.string().min(1)).optional(),
});

export const mappingSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  /** The space key; empty or absent: the config's `confluence.space`. */
  space: z.string().optional(),
  /** The space's numeric id, remembered to save a request. */
  spaceId: pageId.optional(),
  pages: z.record(
    z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\\]+$/, 'a path under docs.root, with "/" and no ".."'),
    pageEntrySchema,
  ),
});

export type PageEntry = z.infer<typeof pageEntrySchema>;
export type Mapping = z.infer<typeof mappingSchema>;

export function emptyMapping(space?: string): Mapping {
  return { version: 1, ...(space ? { space } : {}), pages: {} };
}

/**
 * Read and validate; a missing file is an empty mapping. A mapping without a
 * space (or with `"space": ""`, as `ssot init` wrote before the config had a
 * confluence section) takes the config's.
 */
export async function readMapping(file: string, space?: string): Promise<Mapping> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyMapping(space);
    throw new InputError(ErrorCode.Input, `cannot read the mapping: ${(e as Error).message}`, { file });
  }
  const m = parseMapping(text, file);
  if (!m.space) {
    if (space) m.space = space;
    else delete m.space;
  }
  return m;
}

export function parseMapping(text: string, file: string): Mapping {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineCol(text, Number(pos[1])) : {};
    throw new InputError(ErrorCode.Input, `the mapping is not valid JSON: ${msg.replace(/ in JSON at position.*$/, '')}`, { file, ...where });
  }
  const r = mappingSchema.safeParse(raw);
  if (!r.success) {
    const [issue] = r.error.issues;
    if (!issue) throw new Error('the mapping schema failed without naming an issue');
    const unknownKey = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : undefined;
    const keyPath = [...issue.path, ...(unknownKey !== undefined ? [unknownKey] : [])];
    const p = keyPath.map(String).join('.');
    // The line of the deepest key named in the path: good enough to point at the entry.
    const last = keyPath.length > 0 ? String(keyPath[keyPath.length - 1]) : undefined;
    const idx = last !== undefined ? text.indexOf(JSON.stringify(last)) : -1;
    throw new InputError(
      ErrorCode.Input,
      unknownKey !== undefined ? `unknown key "${unknownKey}" in the mapping` : `the mapping is invalid: ${issue.message}`,
      { file, ...(idx >= 0 ? lineCol(text, idx) : {}), path: p || '(top level)' },
      'see docs/confluence-mapping.md',
    );
  }
  return r.data;
}

/** Written atomically (temp + fsync + rename), keys sorted so diffs stay small. */
export async function writeMapping(file: string, m: Mapping): Promise<void> {
  const pages: Record<string, PageEntry> = {};
  for (const k of Object.keys(m.pages).sort()) {
    const entry = m.pages[k];
    if (entry) pages[k] = orderEntry(entry);
  }
  await writeJsonAtomic(file, { ...(m.$schema ? { $schema: m.$schema } : {}), version: 1, ...(m.space ? { space: m.space } : {}), ...(m.spaceId ? { spaceId: m.spaceId } : {}), pages });
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const ENTRY_ORDER = ['id', 'title', 'parent', 'version', 'hash', 'property', 'attachments', 'labels'] as const;

/** Fields in one fixed order, so a re-run that changes nothing rewrites the same bytes. */
function orderEntry(e: PageEntry): PageEntry {
  const out: Record<string, unknown> = {};
  for (const k of ENTRY_ORDER) if (e[k] !== undefined) out[k] = e[k];
  return out;
}
