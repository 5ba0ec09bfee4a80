import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { apiSpec } from '../support/specs.js';
import { startJiraStandIn, type JiraStandIn, type JiraStandInOptions } from '@ssot/standins/jira';

/** The published Jira Cloud v3 OpenAPI document the stand-in validates requests against. */
export const JIRA_OPENAPI = apiSpec('jira-cloud-platform-v3.openapi.json') ?? '/work/shared/api-specs/jira-cloud-platform-v3.openapi.json';

export const JIRA_EMAIL = 'dev@example.com';
export const JIRA_TOKEN = 'standin-token-7f3a9c21';

/** A stand-in for one test, validating requests against the OpenAPI document when it is present. */
export async function startTestJira(opts: JiraStandInOptions = {}): Promise<JiraStandIn> {
  return startJiraStandIn({
    email: JIRA_EMAIL,
    token: JIRA_TOKEN,
    ...(existsSync(JIRA_OPENAPI) ? { openapi: JIRA_OPENAPI } : {}),
    ...opts,
  });
}

let adfValidate: ((doc: unknown) => boolean) & { errors?: unknown } | undefined;

/** Validate an ADF document against @atlaskit/adf-schema's published JSON schema (draft-04, read by ajv 8). */
export function validateAdf(doc: unknown): { ok: boolean; errors: string } {
  if (!adfValidate) {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('@atlaskit/adf-schema/package.json'));
    const schema = JSON.parse(readFileSync(path.join(pkg, 'dist/json-schema/v1/full.json'), 'utf8')) as Record<string, unknown>;
    delete schema['$schema'];
    adfValidate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  }
  const ok = adfValidate(doc);
  return { ok, errors: ok ? '' : JSON.stringify(adfValidate.errors).slice(0, 800) };
}
