import { apiSpec } from '../support/specs.js';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RecordedRequest } from '@ssot/standins/confluence';

/**
 * Checks every request the stand-in receives against the published Confluence
 * Cloud v2 OpenAPI document (path, method, query parameters and their types,
 * JSON body schema), and the v1 attachment and label calls against what
 * Atlassian documents for them (the v1 document is not vendored). What passes
 * here is what a real tenant accepts.
 */

function findSpec(): string {
  // shared/ sits beside the worktree, or beside a CI clone.
  return apiSpec('confluence-cloud-v2.openapi.json') ?? '/work/shared/api-specs/confluence-cloud-v2.openapi.json';
}

type Json = Record<string, unknown>;
interface Param {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
}

const V2 = '/wiki/api/v2';
const V1 = '/wiki/rest/api';

export interface SpecValidator {
  (req: RecordedRequest): string[];
  /** The stand-in's answer against the response schema the spec gives for that status. */
  response(req: RecordedRequest, status: number, json: unknown): string[];
}

export function createSpecValidator(specFile = findSpec()): SpecValidator {
  const raw = JSON.parse(readFileSync(specFile, 'utf8')) as Json;
  // The spec's `oneOf` for a page body has branches that both match a plain
  // { representation, value }: read as anyOf, which is what Confluence does.
  const spec = JSON.parse(JSON.stringify(raw).replace(/"oneOf":/g, '"anyOf":').replace(/"\$ref":"#\//g, '"$ref":"spec#/')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'string', 'double', 'float']) ajv.addFormat(f, true);
  ajv.addSchema(spec, 'spec');
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json): ValidateFunction => {
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile(schema);
      cache.set(key, v);
    }
    return v;
  };
  /** The spec node that `x` stands for, its `$ref`s followed; a reference that leads nowhere is a broken spec. */
  const resolve = (x: unknown): Json => {
    let cur = x;
    for (;;) {
      if (typeof cur !== 'object' || cur === null) throw new Error(`the Confluence spec has no object for ${JSON.stringify(x)}`);
      const ref = (cur as Json)['$ref'];
      if (typeof ref !== 'string') return cur as Json;
      let node: unknown = spec;
      for (const r of ref.replace(/^spec#\//, '').split('/')) node = (node as Json)[r];
      cur = node;
    }
  };
  /** A parameter of the spec, with what the checks below read of it. */
  const param = (x: unknown): Param => {
    const p = resolve(x);
    const { name, in: place, required, schema } = p;
    if (typeof name !== 'string' || typeof place !== 'string') throw new Error(`a parameter of the Confluence spec has no name or place: ${JSON.stringify(p)}`);
    return { name, in: place, required: required === true, ...(schema ? { schema: schema as Json } : {}) };
  };
  const paths = spec['paths'] as Record<string, Json>;
  const templates = Object.keys(paths)
    .map((t) => ({ t, re: new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '([^/]+)')}$`), params: (t.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);

  const findOp = (req: RecordedRequest): { tpl: string; op: Json } | undefined => {
    if (!req.path.startsWith(V2)) return undefined;
    const sub = req.path.slice(V2.length);
    const tpl = templates.find((x) => x.re.test(sub));
    const op = tpl ? (paths[tpl.t]![req.method.toLowerCase()] as Json | undefined) : undefined;
    return tpl && op ? { tpl: tpl.t, op } : undefined;
  };

  const response = (req: RecordedRequest, status: number, json: unknown): string[] => {
    const found = findOp(req);
    if (!found) return [];
    const responses = (found.op['responses'] ?? {}) as Record<string, unknown>;
    const r = responses[String(status)] ? resolve(responses[String(status)]) : undefined;
    // The spec leaves 409, 429 and server errors out (see api-specs/README.md): nothing to check them against.
    if (!r) return status === 409 || status === 429 || status === 401 || status >= 500 ? [] : [`${req.method} ${req.path}: the spec lists no ${status} answer`];
    const schema = (r['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema'] as Json | undefined;
    if (!schema || json === undefined) return [];
    const v = compile(`${found.tpl}#${req.method}.${status}.response`, schema);
    return v(json) ? [] : [`${req.method} ${req.path}: the stand-in's ${status} answer does not match the spec: ${ajv.errorsText(v.errors)}`];
  };

  const check = (req: RecordedRequest): string[] => {
    const problems: string[] = [];
    const where = `${req.method} ${req.path}`;
    if (req.path.startsWith(V1)) return checkV1(req);
    if (!req.path.startsWith(V2)) return [`${where}: not a Confluence API path`];
    const sub = req.path.slice(V2.length);
    const tpl = templates.find((x) => x.re.test(sub));
    if (!tpl) return [`${where}: no such path in the v2 spec`];
    const item = paths[tpl.t]!;
    const op = item[req.method.toLowerCase()] as Json | undefined;
    if (!op) return [`${where}: method not in the spec for ${tpl.t}`];
    const params = [...((item['parameters'] as unknown[] | undefined) ?? []), ...((op['parameters'] as unknown[] | undefined) ?? [])].map(param);
    // Path parameters.
    const names = [...tpl.t.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const values = tpl.re.exec(sub)!.slice(1);
    names.forEach((n, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === n);
      if (!p) problems.push(`${where}: path parameter ${n} not declared`);
      else checkValue(`${tpl.t}#path.${n}`, p, [decodeURIComponent(values[i]!)]);
    });
    // Query parameters: every one sent must be declared and of its type.
    const queryNames = new Set(req.query.keys());
    for (const n of queryNames) {
      const p = params.find((x) => x.in === 'query' && x.name === n);
      if (!p) problems.push(`${where}: query parameter "${n}" is not in the spec`);
      else checkValue(`${tpl.t}#${req.method}.query.${n}`, p, req.query.getAll(n));
    }
    for (const p of params) if (p.in === 'query' && p.required && !queryNames.has(p.name)) problems.push(`${where}: required query parameter ${p.name} missing`);
    // Body.
    const rb = op['requestBody'] ? resolve(op['requestBody']) : undefined;
    const schema = (rb?.['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema'] as Json | undefined;
    if (schema) {
      if (req.body === undefined) {
        if (rb?.['required']) problems.push(`${where}: JSON body required`);
      } else {
        const v = compile(`${tpl.t}#${req.method}.body`, schema);
        if (!v(req.body)) problems.push(`${where}: body does not match the spec: ${ajv.errorsText(v.errors)}`);
      }
    } else if (req.body !== undefined && req.method !== 'GET') problems.push(`${where}: a body where the spec has none`);
    return problems;

    function checkValue(key: string, p: Param, raws: string[]): void {
      const s = resolve(p.schema ?? {});
      const isArray = s['type'] === 'array';
      const itemSchema = isArray ? resolve(s['items'] ?? {}) : s;
      const coerce = (x: string): unknown => {
        const t = itemSchema['type'];
        if (t === 'integer' || t === 'number') return /^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x;
        if (t === 'boolean') return x === 'true' ? true : x === 'false' ? false : x;
        return x;
      };
      const value = isArray ? raws.flatMap((r) => r.split(',')).map(coerce) : raws.length === 1 ? coerce(raws[0]!) : raws.map(coerce);
      const v = compile(key, p.schema ?? {});
      if (!v(value)) problems.push(`${where}: parameter ${p.name}=${raws.join(',')}: ${ajv.errorsText(v.errors)}`);
    }
  };
  return Object.assign(check, { response });
}

/** v1 calls ssot makes: attachments (multipart, no-check), labels, archiving and its long task. */
function checkV1(req: RecordedRequest): string[] {
  const where = `${req.method} ${req.path}`;
  const p: string[] = [];
  const token = req.headers['x-atlassian-token'];
  if (/^\/wiki\/rest\/api\/content\/\d+\/child\/attachment$/.test(req.path)) {
    if (req.method === 'GET') return p;
    if (req.method !== 'PUT' && req.method !== 'POST') p.push(`${where}: attachments are created with PUT or POST`);
    if (token !== 'no-check') p.push(`${where}: X-Atlassian-Token: no-check missing`);
    if (!req.contentType?.startsWith('multipart/form-data')) p.push(`${where}: must be multipart/form-data`);
    for (const k of req.query.keys()) if (!['status', 'allowDuplicated'].includes(k)) p.push(`${where}: unknown query parameter ${k}`);
    return p;
  }
  if (/^\/wiki\/rest\/api\/content\/\d+\/label$/.test(req.path) && req.method === 'POST') {
    if (token !== 'no-check') p.push(`${where}: X-Atlassian-Token: no-check missing`);
    const b = req.body;
    if (!Array.isArray(b) || b.length === 0 || !b.every((l: unknown) => typeof (l as Json)['name'] === 'string' && ['global', 'my', 'team'].includes((l as Json)['prefix'] as string))) {
      p.push(`${where}: body must be [{ prefix, name }]`);
    }
    return p;
  }
  if (/^\/wiki\/rest\/api\/content\/\d+\/label\/[^/]+$/.test(req.path) && req.method === 'DELETE') return p;
  if (req.path === '/wiki/rest/api/content/archive' && req.method === 'POST') {
    // Archive pages: { pages: [{ id }] } (ids as numbers, as the v1 document has them).
    const pages = (req.body as Json | undefined)?.['pages'];
    if (!Array.isArray(pages) || pages.length === 0 || !pages.every((x: unknown) => typeof (x as Json)['id'] === 'number')) p.push(`${where}: body must be { pages: [{ id: number }] }`);
    return p;
  }
  if (/^\/wiki\/rest\/api\/longtask\/[^/]+$/.test(req.path) && req.method === 'GET') return p;
  return [`${where}: not a v1 call ssot is expected to make`];
}
