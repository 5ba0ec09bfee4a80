import { HttpError } from './google.js';

/** What a query clause tests (the stand-in's file records satisfy it). */
export interface Queryable {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
}

/**
 * The subset of Drive's query language ssot uses: clauses joined by `and`:
 * name = '…', name != '…', mimeType = '…', mimeType != '…', '…' in parents,
 * trashed = true|false. Anything else is a 400, as Drive answers an invalid
 * query. `rootId` is what the alias 'root' stands for.
 */
export function parseQuery(text: string, rootId: string): (f: Queryable) => boolean {
  const tests: Array<(f: Queryable) => boolean> = [];
  const s = text.trim();
  if (!s) return () => true;
  let i = 0;
  const bad = (): HttpError => new HttpError(400, 'invalid', 'Invalid Value', { location: 'q', locationType: 'parameter' });
  const str = (): string => {
    if (s[i] !== "'") throw bad();
    i++;
    let out = '';
    while (i < s.length && s[i] !== "'") {
      if (s[i] === '\\') i++;
      out += s[i++] ?? '';
    }
    if (s[i] !== "'") throw bad();
    i++;
    return out;
  };
  const ws = (): void => {
    while (s[i] === ' ') i++;
  };
  const word = (): string => {
    const m = /^[A-Za-z]+|^!=|^=/.exec(s.slice(i));
    if (!m) throw bad();
    i += m[0].length;
    return m[0];
  };
  for (;;) {
    ws();
    if (s[i] === "'") tests.push(parentClause(str(), ws, word, bad, rootId));
    else tests.push(fieldClause(word, ws, str, bad));
    ws();
    if (i >= s.length) break;
    if (word().toLowerCase() !== 'and') throw bad();
  }
  return (f) => tests.every((t) => t(f));
}

function parentClause(id: string, ws: () => void, word: () => string, bad: () => HttpError, rootId: string): (f: Queryable) => boolean {
  ws();
  if (word() !== 'in') throw bad();
  ws();
  if (word() !== 'parents') throw bad();
  const real = id === 'root' ? rootId : id;
  return (f) => f.parents.includes(real);
}

function fieldClause(word: () => string, ws: () => void, str: () => string, bad: () => HttpError): (f: Queryable) => boolean {
  const field = word();
  ws();
  const op = word();
  ws();
  if (op !== '=' && op !== '!=') throw bad();
  if (field === 'trashed') {
    const v = word();
    if (v !== 'true' && v !== 'false') throw bad();
    const want = v === 'true';
    return (f) => (op === '=' ? f.trashed === want : f.trashed !== want);
  }
  if (field === 'name' || field === 'mimeType') {
    const v = str();
    return (f) => (op === '=' ? f[field] === v : f[field] !== v);
  }
  throw bad();
}
