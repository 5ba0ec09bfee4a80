import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerIsCI } from './runner.js';

/**
 * The published API documents (Confluence v2, Jira v3 OpenAPI) that the
 * stand-ins are validated against. They live in the steering repository's
 * shared/api-specs, beside this repository's clone (2.4 MB, not vendored).
 * `SSOT_API_SPECS` points elsewhere. Under CI a missing document is an error,
 * never a silent skip.
 */
export function apiSpec(file: string): string | undefined {
  const candidates: string[] = [];
  if (process.env['SSOT_API_SPECS']) candidates.push(path.join(process.env['SSOT_API_SPECS'], file));
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'shared', 'api-specs', file), path.join(dir, '..', 'shared', 'api-specs', file));
    if (path.dirname(dir) === dir) break;
  }
  candidates.push(path.join('/work/shared/api-specs', file));
  const found = candidates.find((c) => existsSync(c));
  if (!found && runnerIsCI()) throw new Error(`API document ${file} not found (looked beside the clone in shared/api-specs; set SSOT_API_SPECS)`);
  return found;
}
