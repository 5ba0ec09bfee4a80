import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adfText, doc } from '../../src/tickets/adf.js';
import { NoteParseError, parseNote, type ParsedNote } from '../../src/tickets/index.js';
import { itemId, titlesMatch } from '../../src/tickets/match.js';
import { withKey, withMarker } from '../../src/tickets/writeback.js';
import { validateAdf } from '../standins/jira.js';
import { stringContaining } from '../support/matchers.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'session-2026-03-10.md');
const opts = { file: 'notes/n.md', rel: 'notes/n.md', project: 'CHRONOS' };
const parse = (text: string, extra: Partial<typeof opts & { strictEnd: boolean }> = {}): ParsedNote => parseNote(text, { ...opts, ...extra });

function problems(text: string, extra: Partial<typeof opts & { strictEnd: boolean }> = {}): { line: number; message: string }[] {
  try {
    parse(text, extra);
  } catch (e) {
    if (e instanceof NoteParseError) return e.problems.map((p) => ({ line: p.line, message: p.message }));
    throw e;
  }
  throw new Error('expected a parse error');
}

const FM = '---\ntickets: ready\n---\n';

describe('session notes grammar', () => {
  it('reads the formats real session notes use', () => {
    const n = parseNote(readFileSync(FIXTURE, 'utf8'), { ...opts, file: FIXTURE });
    expect(n.status).toBe('ready');
    const summary = n.items.map((i) => [i.line, i.section, i.key ?? null, i.title, i.points ?? null, i.want ?? null, i.due ?? null, i.group ?? null]);
    expect(summary).toEqual([
      [14, 'completed', 'CHRONOS-222', 'System Maintenance', null, 'done', null, null],
      [18, 'completed', 'CHRONOS-219', 'Fix the nightly export', null, 'done', null, null],
      [22, 'created', 'CHRONOS-216', 'Phase 2 Security Hardening', 3, null, '2026-03-31', null],
      [32, 'backlog', null, 'Vault restore drill', 2, null, null, 'High Priority'],
      [37, 'backlog', null, 'Write the on-call runbook', 1, null, null, 'High Priority'],
      [43, 'backlog', null, 'Tidy the CI cache', 0.5, null, null, 'Low Priority'],
    ]);
    // A key under Completed moves its ticket; it does not set its fields.
    expect(n.items.map((i) => i.defines)).toEqual([false, false, true, true, true, true]);
    const byTitle = (t: string) => n.items.find((i) => i.title === t)!;
    expect(adfText(doc(byTitle('Phase 2 Security Hardening').description))).toBe('Turn on MFA for every admin account\nRotate the deploy keys');
    expect(byTitle('Phase 2 Security Hardening').comments.map((c) => c.text)).toEqual(['Started on the MFA part today.']);
    // A target that is no date goes into the description, after the bullets.
    expect(adfText(doc(byTitle('Vault restore drill').description))).toBe("Restore last week's copy from Drive\nTime it\nTarget: end of Q1");
    expect(n.comments).toEqual([{ key: 'CHRONOS-222', text: 'Disks are in the safe.', line: 47 }]);
  });

  it('builds descriptions that are valid ADF (checked against @atlaskit/adf-schema)', () => {
    const n = parse(
      FM +
        '## Backlog\n\n**Rich item** (1 point)\n- plain, **bold**, *em*, `code`, ~~gone~~ and [a link](https://example.com)\n- nested:\n  - one\n  - two\n    1. first\n    2. second\n\n```sh\necho hi\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    const item = n.items[0]!;
    expect(n.items).toHaveLength(1);
    expect(item.title).toBe('Rich item');
    const d = doc(item.description);
    const v = validateAdf(d);
    expect(v.errors).toBe('');
    expect(v.ok).toBe(true);
    expect(JSON.stringify(d)).toContain('"type":"link","attrs":{"href":"https://example.com"}');
    expect(JSON.stringify(d)).toContain('"codeBlock"');
    // and the schema does catch a broken document
    expect(validateAdf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] }).ok).toBe(false);
  });

  it('accepts the usual spellings of a ticket line', () => {
    const n = parse(
      FM +
        '## Completed\n\n' +
        '- **CHRONOS-1:** One ✅\n' +
        '- **CHRONOS-2**: Two — **DONE**\n' +
        '- CHRONOS-3: Three\n' +
        '- CHRONOS-4 - Four\n' +
        '- [x] CHRONOS-5 Five\n' +
        '1. **CHRONOS-6:** Six (5 pts)\n',
    );
    expect(n.items.map((i) => [i.key, i.title, i.want])).toEqual([
      ['CHRONOS-1', 'One', 'done'],
      ['CHRONOS-2', 'Two', 'done'],
      ['CHRONOS-3', 'Three', 'done'],
      ['CHRONOS-4', 'Four', 'done'],
      ['CHRONOS-5', 'Five', 'done'],
      ['CHRONOS-6', 'Six', 'done'],
    ]);
    // Read, but a line under Completed does not set points (only a Backlog or Created line does).
    expect([n.items[5]!.points, n.items[5]!.defines]).toEqual([undefined, false]);
  });

  it('keeps plain bullets and prose out of the plan: only bold, checkbox or points lines are new items', () => {
    const n = parse(FM + '## Next steps\n\nSome prose about the plan.\n\n- just a thought\n- [ ] Real task\n- Another (2 points)\n');
    expect(n.items.map((i) => i.title)).toEqual(['Real task', 'Another']);
  });

  it('reads labels, points and comments given as lines under an item', () => {
    const n = parse(FM + '## Backlog\n\n**Thing to do**\n**Labels:** infra, security\n**Points:** 8\n**Due:** 2026-04-01\n**Comment:** first note\n');
    const i = n.items[0]!;
    expect([i.labels, i.points, i.due, i.comments.map((c) => c.text)]).toEqual([['infra', 'security'], 8, '2026-04-01', ['first note']]);
  });

  it('reads a pending marker as the tie id', () => {
    const n = parse(FM + '## Backlog\n\n**Thing** (1 point) <!-- ssot:pending 1a2b3c4d5e 2026-03-10T10:00:00Z -->\n');
    expect(n.items[0]!.id).toBe('1a2b3c4d5e');
    expect(n.items[0]!.pending).toEqual({ id: '1a2b3c4d5e', at: '2026-03-10T10:00:00Z' });
    expect(n.items[0]!.title).toBe('Thing');
  });

  it('front matter: tickets ready/draft/off, project override', () => {
    expect(parse('---\ntickets: draft\n---\n# x\n').status).toBe('draft');
    expect(parse('---\ntitle: x\n---\n# x\n').status).toBe('draft');
    expect(parse('---\ntickets: off\n---\n# x\n').status).toBe('off');
    const n = parse('---\ntickets: ready\nproject: OPS\n---\n## Backlog\n\n- **OPS-3:** Fix it\n');
    expect([n.project, n.projectLine, n.items[0]!.key]).toEqual(['OPS', 3, 'OPS-3']);
  });
});

describe('bad input: a clear message naming file and line, nothing planned', () => {
  it('a note without front matter', () => {
    expect(problems('# Notes\n\n## Backlog\n\n**A** (1 point)\n')).toEqual([{ line: 1, message: stringContaining('no front matter') }]);
  });

  it('a bad front-matter value or YAML, at its line, in an LF or CRLF note', () => {
    for (const eol of ['\n', '\r\n']) {
      const note = (fm: string): string => `---${eol}title: x${eol}${fm}${eol}---${eol}# x${eol}`;
      expect(problems(note('tickets: maybe'))).toEqual([{ line: 3, message: 'front matter "tickets: maybe" is not one of ready, draft, off' }]);
      expect(problems(note('tickets: ready\nproject: lower'.replace('\n', eol)))).toEqual([{ line: 4, message: stringContaining('Jira project key') }]);
      expect(problems(note('tickets: [ready'))).toEqual([{ line: 3, message: stringContaining('not valid YAML') }]);
      expect(problems(`---${eol}- a${eol}---${eol}# x${eol}`)).toEqual([{ line: 2, message: 'the front matter is not valid YAML: the front matter must be keys and values' }]);
    }
  });

  it('a half-typed line', () => {
    expect(problems(FM + '## Completed\n\n**CHRONOS-23\n')).toEqual([{ line: 6, message: stringContaining('half-typed') }]);
    expect(problems(FM + '## Backlog\n\n- [ ] Write docs (2 poi\n')).toEqual([{ line: 6, message: stringContaining('half-typed') }]);
    expect(problems(FM + '## Completed\n\n- **CHRONOS-23:**\n')[0]!.message).toMatch(/no title|half-typed/);
  });

  it('a last line still being typed (the watcher) is refused, a finished one is not', () => {
    expect(problems(FM + '## Backlog\n\n- [ ] Write the docs', { strictEnd: true })[0]).toEqual({ line: 6, message: stringContaining('no line end') });
    expect(parse(FM + '## Backlog\n\n- [ ] Write the docs\n', { strictEnd: true }).items).toHaveLength(1);
  });

  it('a key with a done mark acts wherever it stands; prose around it is never an error', () => {
    const n = parse(FM + '## Random thoughts\n\nWe talked about CHRONOS-9 a lot.\n- [ ] buy milk\n- Another (2 points)\n\n**CHRONOS-9:** Something ✅\n');
    expect(n.items.map((i) => [i.key, i.want, i.defines])).toEqual([['CHRONOS-9', 'done', false]]);
    expect(n.readings.map((r) => [r.line, r.kind])).toEqual([
      [4, 'section'],
      [6, 'mention'],
      [7, 'ignored'],
      [8, 'ignored'],
      [10, 'item'],
    ]);
  });

  it('one key named several times is one item: done from any line, fields from its Backlog or Created line', () => {
    const n = parse(FM + '## Backlog\n\n- **CHRONOS-7:** Seven (3 points)\n\n## Sprint progress\n\n- ✅ CHRONOS-7: Seven (5 points)\n- ⏳ CHRONOS-8: Eight\n');
    expect(n.items.map((i) => [i.key, i.lines, i.want ?? null, i.points ?? null, i.defines])).toEqual([
      ['CHRONOS-7', [6, 10], 'done', 3, true],
      ['CHRONOS-8', [11], null, null, false],
    ]);
  });

  it('a key of another project is no key of the note; a target with no item is a field of the note', () => {
    const n = parse(FM + '## Completed\n\n- **OTHER-1:** Nope\n\n## Backlog\n\n**Target:** 2026-01-01\n');
    expect(n.items).toEqual([]);
    expect(n.readings.filter((r) => r.kind === 'ignored').map((r) => [r.line, r.text])).toEqual([
      [6, expect.stringContaining('OTHER-1 is not a key of project CHRONOS')],
      [10, expect.stringContaining('a field of the note')],
    ]);
    expect(problems('---\ntickets: maybe\n---\n')[0]).toEqual({ line: 2, message: stringContaining('not one of ready, draft, off') });
  });

  it('reports every problem of a note at once', () => {
    expect(problems(FM + '## Completed\n\n**CHRONOS-1\n\n## Backlog\n\n- [ ] Something (many points)\n\n## Other\n\n- ✅ **CHRONOS-:** Half\n').map((p) => p.line)).toEqual([6, 10, 14]);
  });
});

describe('titles, ids and line edits', () => {
  it('matches titles forgivingly, and refuses a different ticket', () => {
    expect(titlesMatch('Phase 2 Security Hardening', 'Phase 2: security hardening ✅')).toBe(true);
    expect(titlesMatch('Phase 2 Security Hardening', 'Phase 2: Security hardening (API + infra)')).toBe(true);
    expect(titlesMatch('System Maintenance', 'SYSTEM   maintenance!!')).toBe(true);
    expect(titlesMatch('System Maintenance', 'Migrate the billing database')).toBe(false);
    expect(titlesMatch('Maintenance', 'Billing maintenance window')).toBe(false);
  });

  it('ids depend on the note path and the title, not on spelling', () => {
    expect(itemId('a.md', 'Write docs')).toBe(itemId('a.md', 'write  DOCS!'));
    expect(itemId('a.md', 'Write docs')).not.toBe(itemId('b.md', 'Write docs'));
  });

  it('writes the marker, then the key, into the line', () => {
    const m = withMarker('**Vault restore drill** (2 points)', 'abc123', '2026-03-10T10:00:00Z');
    expect(m).toBe('**Vault restore drill** (2 points) <!-- ssot:pending abc123 2026-03-10T10:00:00Z -->');
    expect(withKey(m, 'CHRONOS-301')).toBe('**CHRONOS-301:** Vault restore drill (2 points)');
    expect(withKey('- [ ] Write the runbook (1 point) <!-- ssot:pending abc123 x -->', 'CHRONOS-302')).toBe('- [ ] **CHRONOS-302:** Write the runbook (1 point)');
    expect(withKey('### Heading item (3 points) <!-- ssot:pending abc123 x -->', 'CHRONOS-303')).toBe('### **CHRONOS-303:** Heading item (3 points)');
    const h = parse(FM + '## Backlog\n\n### **CHRONOS-303:** Heading item (3 points)\n');
    expect([h.items[0]!.key, h.items[0]!.title]).toEqual(['CHRONOS-303', 'Heading item']);
    // the result reads back as the same item, now with its key
    const n = parse(FM + '## Backlog\n\n' + withKey(m, 'CHRONOS-301') + '\n');
    expect([n.items[0]!.key, n.items[0]!.title, n.items[0]!.points]).toEqual(['CHRONOS-301', 'Vault restore drill', 2]);
  });
});

describe('mapping/jira.json schema', () => {
  it('accepts what saveMapping writes and refuses a malformed mapping', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { readFileSync: read } = await import('node:fs');
    const schema = JSON.parse(read(path.join(import.meta.dirname, '..', '..', 'schemas', 'jira-mapping.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate({ version: 1, items: { '1a2b3c4d5e': { key: 'CHRONOS-301', note: 'docs/session_notes/a.md', title: 'Vault restore drill' } } })).toBe(true);
    expect(validate({ version: 1, items: { '1a2b3c4d5e': { key: 'chronos 301', note: 'a.md', title: 'x' } } })).toBe(false);
    expect(validate({ version: 2, items: {} })).toBe(false);
  });
});

describe('more spellings seen in real notes', () => {
  it('a key and title inside one bold, a linked key, an item written as a heading', () => {
    const n = parse(
      FM +
        '## Completed\n\n' +
        '**CHRONOS-1: Bold all over** ✅\n' +
        '- [CHRONOS-2](https://example.atlassian.net/browse/CHRONOS-2) Linked key\n\n' +
        '## Tickets Created\n\n' +
        '### CHRONOS-3: Heading item (3 points)\n\n' +
        '- its description\n\n' +
        '**Target:** 2026-06-30\n',
    );
    expect(n.items.map((i) => [i.key, i.title, i.want ?? null, i.points ?? null, i.due ?? null])).toEqual([
      ['CHRONOS-1', 'Bold all over', 'done', null, null],
      ['CHRONOS-2', 'Linked key', 'done', null, null],
      ['CHRONOS-3', 'Heading item', null, 3, '2026-06-30'],
    ]);
    expect(adfText(doc(n.items[2]!.description))).toBe('its description');
  });

  it('a title that merely looks like a key is not one', () => {
    const n = parse(FM + '## Backlog\n\n- [ ] UTF-8 support for exports (2 points)\n');
    expect([n.items[0]!.key, n.items[0]!.title]).toEqual([undefined, 'UTF-8 support for exports']);
  });
});

describe('properties', () => {
  it('any text either parses or fails with a NoteParseError naming a line; never anything else', async () => {
    const fc = (await import('fast-check')).default;
    const piece = fc.constantFrom('## Backlog\n', '## Completed\n', '## Notes\n', '### High\n', '**CHRONOS-12:** T ✅\n', '**CHRONOS-1', '- [ ] x (2 points)\n', '- [x] CHRONOS-3 y\n', '**Target:** 2026-02-30\n', '**Comment:** c\n', '- a\n', '  - b\n', '\n', '<!-- ssot:pending 1a2b3c x -->', '```\n', '| a |\n|---|\n', '(', '**', 'text ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        try {
          parse(FM + parts.join(''));
        } catch (e) {
          if (!(e instanceof NoteParseError)) throw e;
          for (const p of e.problems) if (!(p.line >= 1)) throw new Error(`no line in ${p.message}`, { cause: e });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a new item, once its key is written back, reads as the same item with that key', async () => {
    const fc = (await import('fast-check')).default;
    const word = fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.integer({ min: 1, max: 99999 }), (words, bold, n) => {
        const title = words.join(' ');
        const line = bold ? `**${title}** (2 points)` : `- [ ] ${title} (2 points)`;
        const before = parse(FM + '## Backlog\n\n' + line + '\n').items[0]!;
        const after = parse(FM + '## Backlog\n\n' + withKey(withMarker(line, before.id, 'x'), `CHRONOS-${n}`) + '\n').items[0]!;
        expect([after.key, after.title, after.points]).toEqual([`CHRONOS-${n}`, before.title, 2]);
      }),
      { numRuns: 200 },
    );
  });
});
