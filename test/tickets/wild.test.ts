import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoteParseError, parseNote, type ParsedNote } from '../../src/tickets/index.js';
import { titlesMatch } from '../../src/tickets/match.js';
import { classifyHeading } from '../../src/tickets/notes/vocabulary.js';
import { withKey } from '../../src/tickets/writeback.js';
import { stringContaining } from '../support/matchers.js';

/** The notes people actually write: each case of issue 13, read line by line. */

const REAL = path.join(import.meta.dirname, 'fixtures', 'real');
const FM = '---\ntickets: ready\n---\n';
const opts = { file: 'notes/n.md', rel: 'notes/n.md', project: 'CHRONOS' };
const parse = (text: string): ParsedNote => parseNote(text, opts);
const real = (name: string): ParsedNote => parseNote(readFileSync(path.join(REAL, name), 'utf8'), { ...opts, file: name, rel: `notes/${name}` });
const readingAt = (n: ParsedNote, line: number): string[] => n.readings.filter((r) => r.line === line).map((r) => `${r.kind}: ${r.text}`);

function problems(text: string): { line: number; message: string }[] {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof NoteParseError) return e.problems.map((p) => ({ line: p.line, message: p.message }));
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('the real session summary (emoji headings, Label: value lines, Sprint progress lists)', () => {
  const n = real('2026-11-20-session-aws-sso.md');

  it('is read, not refused; the ✅ 🔄 ⏳ lines of "📈 Sprint 7 Progress" want Done, In Progress and nothing', () => {
    const byKey = (k: string) => n.items.find((i) => i.key === k)!;
    expect([byKey('CHRONOS-219').want, byKey('CHRONOS-219').lines]).toEqual(['done', [62, 140]]);
    expect([byKey('CHRONOS-216').want, byKey('CHRONOS-216').lines]).toEqual(['progress', [73, 146]]);
    expect([byKey('CHRONOS-221').want, byKey('CHRONOS-221').lines]).toEqual([undefined, [81, 150]]);
    expect(readingAt(n, 150)).toEqual(['mention: CHRONOS-221 "Complete Doc Mapping": named with ⏳, no change']);
  });

  it('headings that merely contain "Updates" or "Progress" are no comment sections', () => {
    expect(readingAt(n, 96)).toEqual([expect.stringMatching(/^section: "Configuration Updates": not a tickets heading/)]);
    expect(readingAt(n, 134)).toEqual([expect.stringMatching(/^section: "📈 Sprint 7 Progress": not a tickets heading/)]);
    expect(readingAt(n, 94)).toEqual([expect.stringMatching(/^section: "📁 Files Created This Session": not a tickets heading/)]);
    expect(n.comments).toEqual([]);
  });

  it('`**Label:** value` lines are fields of the note, never items, even in a backlog-like "Next Steps"', () => {
    expect(readingAt(n, 158)).toEqual([expect.stringMatching(/^section: "🎯 Next Steps": backlog/)]);
    expect(readingAt(n, 165)).toEqual(['ignored: "**Session Complete:** 2026-11-20 22:40 UTC": a field of the note, not an item']);
    expect(readingAt(n, 164)).toEqual([expect.stringContaining('a field of the note')]);
    expect(readingAt(n, 9)).toEqual([expect.stringContaining('"**Session Duration:** ~5 hours')]);
    expect(n.items.filter((i) => !i.key)).toEqual([]);
  });

  it('a key named in the text or in a code block is a mention: no change', () => {
    expect(readingAt(n, 160)).toEqual(['mention: CHRONOS-216 named in the text (not at the start of the line), no change']);
    expect(readingAt(n, 118)).toEqual(['ignored: a code block: keys in it are not read']);
  });
});

describe('ticket tables', () => {
  it('the sprint summary\'s "📜 Complete Ticket List" is read by its key and status columns', () => {
    const n = real('2026-11-21-sprint-6-summary.md');
    expect(n.items.map((i) => [i.key, i.want ?? null, i.why ?? null])).toEqual([
      ['CHRONOS-176', 'done', 'status "✅"'],
      ['CHRONOS-177', 'done', 'status "✅"'],
      ['CHRONOS-178', 'done', 'status "✅"'],
      ['CHRONOS-179', 'done', 'status "✅"'],
      ['CHRONOS-180', 'done', 'status "✅"'],
      ['CHRONOS-181', 'done', 'status "✅"'],
      ['CHRONOS-182', 'progress', 'status "🔄"'],
      ['CHRONOS-184', 'progress', 'status "🔄"'],
      ['CHRONOS-183', null, 'status "⏳"'],
      ['CHRONOS-185', null, 'status "❌"'],
    ]);
    expect(n.items[0]!.title).toBe('Set up AWS CLI and integrations');
  });

  it('status words without emoji, linked keys, a points column; a table without a ticket column is prose', () => {
    const n = parse(
      FM +
        '## Status\n\n| Key | What | State | SP |\n| --- | --- | --- | --- |\n' +
        '| [CHRONOS-1](https://x.atlassian.net/browse/CHRONOS-1) | One | Done | 3 |\n| CHRONOS-2 | Two | In Review | 2 |\n| CHRONOS-3 | Three | Blocked | 1 |\n| CHRONOS-4 | Four | Not started | ? |\n\n' +
        '| Metric | Value |\n| --- | --- |\n| points | 11 |\n',
    );
    expect(n.items.map((i) => [i.key, i.title, i.want ?? null, i.defines])).toEqual([
      ['CHRONOS-1', 'One', 'done', false],
      ['CHRONOS-2', 'Two', 'progress', false],
      ['CHRONOS-3', 'Three', null, false],
      ['CHRONOS-4', 'Four', null, false],
    ]);
  });

  it('no status column: the heading says it; a half-typed key in the ticket column is an error', () => {
    const n = parse(FM + '## ✅ Completed\n\n| Ticket | Summary |\n| --- | --- |\n| CHRONOS-7 | Seven |\n');
    expect(n.items.map((i) => [i.key, i.want])).toEqual([['CHRONOS-7', 'done']]);
    expect(problems(FM + '## Tickets\n\n| Ticket | Summary | Status |\n| --- | --- | --- |\n| CHRONOS- | Eight | ✅ Done |\n')).toEqual([
      { line: 8, message: stringContaining('half-typed key "CHRONOS-"') },
    ]);
  });
});

describe('marks and headings', () => {
  it('a done mark wants Done wherever it stands; 🔄 or an In Progress heading wants In Progress; ⏳ and plain mentions nothing', () => {
    const n = parse(
      FM +
        '## Notes\n\n- ✅ CHRONOS-1: One\n- [x] CHRONOS-2 Two\n- CHRONOS-3: Three ✅ **DONE**\n- 🔄 CHRONOS-4: Four\n- ⏳ CHRONOS-5: Five\n- CHRONOS-6: Six\n\n' +
        '## In Progress\n\n- CHRONOS-7: Seven\n- ⏳ CHRONOS-8: Eight\n\n## Completed\n\n- CHRONOS-9: Nine\n- [ ] CHRONOS-10 Ten\n- 🔄 CHRONOS-11: Eleven\n',
    );
    expect(n.items.map((i) => `${i.key ?? 'no key'} ${i.want ?? '-'}`)).toEqual([
      'CHRONOS-1 done',
      'CHRONOS-2 done',
      'CHRONOS-3 done',
      'CHRONOS-4 progress',
      'CHRONOS-5 -',
      'CHRONOS-6 -',
      'CHRONOS-7 progress',
      'CHRONOS-8 -',
      'CHRONOS-9 done',
      'CHRONOS-10 -',
      'CHRONOS-11 progress',
    ]);
  });

  it('⏳ under a Backlog heading sets no fields; a key nested under an item still moves with its mark', () => {
    const n = parse(FM + '## Backlog\n\n- ⏳ CHRONOS-1: One (3 points)\n- **CHRONOS-2:** Two (5 points)\n  - [x] CHRONOS-3 Three\n  - plain step\n');
    expect(n.items.map((i) => [i.key, i.defines, i.points ?? null, i.want ?? null])).toEqual([
      ['CHRONOS-1', false, null, null],
      ['CHRONOS-2', true, 5, null],
      ['CHRONOS-3', false, null, 'done'],
    ]);
  });

  it('headings in English, German and Spanish name their sections; "Files Created", "Updates", "Progress" alone do not', () => {
    const kinds = Object.fromEntries(
      [
        '✅ Completed This Session',
        'Completed (11 Story Points)',
        '✅ Erledigt',
        '✅ Completado',
        'Done',
        '🔄 In Progress',
        'In Arbeit',
        'En progreso',
        '📋 Jira Tickets Created',
        '🎫 New Tickets (to create)',
        'Tickets creados',
        'Neue Tickets',
        'Backlog (Prioritized by Timeline)',
        'Immediate (Next Session)',
        '🎯 Next Steps',
        'Nächste Schritte',
        'Pendientes',
        '🎬 Action Items',
        '💬 Comments',
        'Comentarios',
        '📁 Files Created This Session',
        'Configuration Updates',
        '📈 Sprint 7 Progress',
        '📜 Complete Ticket List',
        '✅ Accomplishments',
        '2. Phase 2 Security Hardening Planned',
        'Remaining (10 Story Points)',
      ].map((h) => [h, classifyHeading(h) ?? 'prose']),
    );
    expect(kinds).toEqual({
      '✅ Completed This Session': 'completed',
      'Completed (11 Story Points)': 'completed',
      '✅ Erledigt': 'completed',
      '✅ Completado': 'completed',
      Done: 'completed',
      '🔄 In Progress': 'in-progress',
      'In Arbeit': 'in-progress',
      'En progreso': 'in-progress',
      '📋 Jira Tickets Created': 'created',
      '🎫 New Tickets (to create)': 'created',
      'Tickets creados': 'created',
      'Neue Tickets': 'created',
      'Backlog (Prioritized by Timeline)': 'backlog',
      'Immediate (Next Session)': 'backlog',
      '🎯 Next Steps': 'backlog',
      'Nächste Schritte': 'backlog',
      Pendientes: 'backlog',
      '🎬 Action Items': 'backlog',
      '💬 Comments': 'comments',
      Comentarios: 'comments',
      '📁 Files Created This Session': 'prose',
      'Configuration Updates': 'prose',
      '📈 Sprint 7 Progress': 'prose',
      '📜 Complete Ticket List': 'prose',
      '✅ Accomplishments': 'prose',
      '2. Phase 2 Security Hardening Planned': 'prose',
      'Remaining (10 Story Points)': 'prose',
    });
  });

  it('a line in a Comments section that starts with no key is ignored, not an error', () => {
    const n = parse(FM + '## Comments\n\n- **CHRONOS-4:** Rebooted at 03:10.\n- nothing else today\n\nGeneral remark.\n');
    expect(n.comments).toEqual([{ key: 'CHRONOS-4', text: 'Rebooted at 03:10.', line: 6 }]);
    expect(n.readings.filter((r) => r.kind === 'ignored').map((r) => r.line)).toEqual([7, 9]);
  });
});

describe('an item needs an item\'s shape', () => {
  it('a key, points, a checkbox or a bold title alone; a line naming a key further on is a mention, not a new item', () => {
    const n = parse(
      FM +
        '## Backlog\n\n**Bold title alone** (2 points)\n\n**Bold start** and more words\n\n- [ ] Checkbox item\n- Points item (1 point)\n- plain bullet\n- [ ] Split CHRONOS-216 into four\n- **Owner:** Ada\n\n**Session Complete:** 2026-11-20 22:40 UTC\n',
    );
    expect(n.items.map((i) => i.title)).toEqual(['Bold title alone', 'Checkbox item', 'Points item']);
  });

  it('under Completed, a bold label alone is no new issue; a wrapped line of prose that starts with a key is no ticket line', () => {
    const n = parse(FM + '## ✅ Completed This Session\n\n**Infrastructure**\n\n- ✅ CHRONOS-219: AWS CLI + SSO\n\nThe snapshot was tracked in\nCHRONOS-226 and is fine.\n');
    expect(n.items.map((i) => [i.key ?? i.title, i.want])).toEqual([['CHRONOS-219', 'done']]);
    expect(readingAt(n, 11)).toEqual(['mention: CHRONOS-226 named in the text, no change']);
  });

  it('one new title written twice is one issue, and the key is written into both lines', () => {
    const n = parse(FM + '## Backlog\n\n- [ ] Write the runbook (1 point)\n\n## 🎯 Next Steps\n\n- [ ] Write the runbook\n');
    expect(n.items.map((i) => [i.title, i.lines, i.points])).toEqual([['Write the runbook', [6, 10], 1]]);
    expect(withKey('- ✅ Write the runbook (1 point)', 'CHRONOS-9')).toBe('- ✅ **CHRONOS-9:** Write the runbook (1 point)');
  });
});

describe('half-typed lines: an error naming the line, nothing else refused', () => {
  it('a key without its number, points that are no number', () => {
    expect(problems(FM + '## Backlog\n\n**CHRONOS-:** Something (2 points)\n- [ ] Another item (many points)\n')).toEqual([
      { line: 6, message: stringContaining('"CHRONOS-" is a key without its number') },
      { line: 7, message: 'points "many" is not a number' },
    ]);
    // In prose, an item-less line with odd points is prose; a half key at a line's head is not.
    expect(parse(FM + '## Notes\n\n- we argued (many points)\n').items).toEqual([]);
    expect(problems(FM + '## Notes\n\n- ✅ **CHRONOS-:** Half\n')[0]!.line).toBe(6);
  });

  it('a key that asks for a change needs a title: that is how the key is checked', () => {
    expect(problems(FM + '## Completed\n\n- [x] CHRONOS-23\n')).toEqual([{ line: 6, message: stringContaining('CHRONOS-23 with no title') }]);
    // A bare key that asks for nothing is a mention.
    expect(parse(FM + '## Notes\n\n- CHRONOS-23\n').items.map((i) => i.want ?? null)).toEqual([null]);
  });
});

describe('the summary check tells an abbreviation from another ticket', () => {
  it.each([
    ['Complete Doc Mapping', 'Complete Documentation SSOT Mapping'],
    ['Ubuntu Upgrade Planning', 'Plan Ubuntu 24.04 LTS Upgrade Strategy'],
    ['System Maintenance', 'System Maintenance - Update Lightsail Packages'],
    ['AWS CLI + SSO', 'AWS CLI + SSO Configuration'],
    ['SSO login docs', 'Document the SSO login flow'],
    ['Security baseline document', 'Write the security baseline document'],
    ['Phase 2 Security Hardening', 'Phase 2: Security Hardening'],
  ])('"%s" is "%s"', (note, summary) => {
    expect(titlesMatch(note, summary)).toBe(true);
  });

  it.each([
    ['Rotate the API keys', 'Migrate the billing database'],
    ['Phase 3 Security Hardening', 'Phase 2: Security Hardening'],
    ['Cost alerts by mail', 'Alertas de costos por correo'],
    ['Maintenance', 'Billing maintenance window'],
    ['My finished work', "Someone else's ticket"],
  ])('"%s" is not "%s"', (note, summary) => {
    expect(titlesMatch(note, summary)).toBe(false);
  });
});

describe('the same note, written differently', () => {
  it('saved with CRLF line ends, it reads the same', () => {
    const name = '2026-11-20-session-aws-sso.md';
    const lf = real(name);
    const crlf = parseNote(readFileSync(path.join(REAL, name), 'utf8').replace(/\n/g, '\r\n'), { ...opts, file: name, rel: `notes/${name}` });
    const view = (n: ParsedNote) => n.items.map((i) => [i.key ?? i.title, i.lines, i.want ?? null, i.points ?? null, i.due ?? null, i.defines]);
    expect(view(crlf)).toEqual(view(lf));
    expect(crlf.readings.map((r) => [r.line, r.kind])).toEqual(lf.readings.map((r) => [r.line, r.kind]));
  });

  it('keys listed under a bullet that is no item still move with their marks', () => {
    const n = parse(FM + '## Sprint 7\n\n- **Finished:**\n  - ✅ CHRONOS-1: One\n  - 🔄 CHRONOS-2: Two\n- Carry-over\n  - ⏳ CHRONOS-3: Three\n');
    expect(n.items.map((i) => [i.key, i.want ?? null])).toEqual([
      ['CHRONOS-1', 'done'],
      ['CHRONOS-2', 'progress'],
      ['CHRONOS-3', null],
    ]);
  });
});

describe('docs/session-notes.md', () => {
  it('its example note reads as the page says', () => {
    const page = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'session-notes.md'), 'utf8');
    const example = /```markdown\n([\s\S]*?)\n```/.exec(page)![1]! + '\n';
    const n = parse(example);
    expect(n.items.map((i) => [i.key ?? i.title, i.want ?? null, i.defines, i.points ?? null, i.due ?? null])).toEqual([
      ['CHRONOS-219', 'done', false, null, null],
      ['CHRONOS-216', 'progress', true, 3, '2026-11-27'],
      ['Vault restore drill', null, true, 2, null],
      ['CHRONOS-221', null, false, null, null],
      ['CHRONOS-176', 'done', false, null, null],
      ['CHRONOS-182', 'progress', false, null, null],
    ]);
    expect(n.items[2]!.description.map((b) => b.type)).toEqual(['bulletList', 'paragraph']);
    const ignored = n.readings.filter((r) => r.kind === 'ignored').map((r) => r.text);
    expect(ignored).toEqual([
      expect.stringContaining('**Date:**'),
      expect.stringContaining('**Session Duration:**'),
      expect.stringContaining('**Focus:**'),
      expect.stringContaining('**Session Complete:**'),
    ]);
  });
});
