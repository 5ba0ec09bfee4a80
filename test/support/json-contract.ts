import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/**
 * The JSON Schema of the `--json` messages (schemas/json-messages.schema.json),
 * compiled once: every test that reads a command's JSON lines checks them
 * against it (jsonLines in ./cli.ts), and test/cli/json-contract.e2e.test.ts runs
 * every command that prints them.
 */
const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas', 'json-messages.schema.json');

interface MessageSchema {
  oneOf: { $ref: string }[];
  $defs: Record<string, { properties?: { type?: { const?: string } } }>;
}

let compiled: ValidateFunction | undefined;
let schema: MessageSchema | undefined;

function load(): { validate: ValidateFunction; schema: MessageSchema } {
  schema ??= JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as MessageSchema;
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    compiled = ajv.compile(schema);
  }
  return { validate: compiled, schema };
}

/** What is wrong with one line against the schema (nothing when it is a documented message). */
export function validateJsonLine(line: unknown): string[] {
  const { validate } = load();
  if (validate(line)) return [];
  // oneOf reports every branch; the branch of the line's own type says what is wrong.
  const type = (line as { type?: unknown } | null)?.type;
  const own = (validate.errors ?? []).filter((e) => !e.schemaPath.includes('/properties/type/const'));
  const shown = own.length > 0 ? own : (validate.errors ?? []);
  return [`type ${JSON.stringify(type)}: ${[...new Set(shown.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`))].join('; ')}`];
}

/** Every message type the schema documents. */
export function documentedTypes(): string[] {
  const { schema: s } = load();
  return [...new Set(s.oneOf.map((r) => s.$defs[r.$ref.replace('#/$defs/', '')]?.properties?.type?.const).filter((t): t is string => t !== undefined))];
}
