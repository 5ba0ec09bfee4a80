import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.js';
import type { JiraStandIn } from '@ssot/standins/jira';
import { parseNote, syncTickets, type NoteItem } from '../../src/tickets/index.js';
import { JIRA_EMAIL, JIRA_TOKEN, startTestJira } from '../standins/jira.js';
import { ticketsConfig } from './support/config.js';

/**
 * Prose never changes Jira: a note made of everything people write around
 * their tickets (headings of every kind, `**Label:** value` fields, plain and
 * numbered lists, keys named in passing, ⏳ waits, code with keys in it,
 * tables without a ticket column, quotes) is never refused and never sends a
 * request. Checked on generated notes and on the peers' markdown suites.
 */

const asks = (i: NoteItem): boolean => !i.key || i.defines || i.want !== undefined || i.comments.length > 0;

const word = fc.constantFrom('the', 'vault', 'backup', 'Drive', 'SSO', 'MFA', 'deploy', 'Lightsail', 'docs', 'sprint', 'Ubuntu', '24.04', 'review', 'Linus', 'Grace', 'done', 'next', 'points', 'Erledigt', 'pendiente');
const words = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
const key = fc.integer({ min: 1, max: 400 }).map((n) => `CHRONOS-${n}`);
const heading = fc.constantFrom(
  '## ✅ Completed This Session',
  '## 📋 Jira Tickets Created',
  '### Backlog (Prioritized by Timeline)',
  '#### Immediate (Next Session)',
  '### In Progress (3 Story Points)',
  '## 💬 Comments',
  '## 🎯 Next Steps',
  '## 📁 Files Created This Session',
  '### Configuration Updates',
  '## 📈 Sprint 7 Progress',
  '## 📜 Complete Ticket List',
  '## ✅ Erledigt',
  '## 🔄 En progreso',
  '## 🎬 Action Items',
  '## 📝 Summary',
  '# 🚀 Session Summary: Phase 2',
);

/** One block of prose, as it appears in real notes. */
const block = fc.oneof(
  heading,
  words.map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}.`),
  fc.tuple(words, key, words).map(([a, k, b]) => `${a} (${k}) and ${b}.`),
  fc.tuple(fc.constantFrom('Session Complete', 'Target', 'Comment', 'Key insight', 'Current status', 'Session Duration', 'Ziel', 'Fecha límite', 'Points'), words).map(([l, v]) => `**${l}:** ${v}`),
  fc.array(words, { minLength: 1, maxLength: 4 }).map((ls) => ls.map((l) => `- ${l}`).join('\n')),
  fc.array(fc.tuple(words, words), { minLength: 1, maxLength: 4 }).map((ls) => ls.map(([a, b], i) => `${i + 1}. **${a}:** ${b}`).join('\n')),
  fc.tuple(words, key).map(([w, k]) => `- ⏳ Waiting on ${k}: ${w}`),
  fc.tuple(words, words).map(([a, b]) => `- **${a}** ${b}`),
  fc.tuple(key, words).map(([k, w]) => '```bash\n# - ✅ ' + k + ': ' + w + '\ngit commit -m "' + k + ': ' + w + '"\n```'),
  fc.tuple(words, words).map(([a, b]) => `| Metric | Value |\n| --- | --- |\n| ${a} | ${b} |`),
  words.map((w) => `> ${w}`),
  fc.constant('---'),
  fc.tuple(words, fc.integer({ min: 1, max: 30 })).map(([w, n]) => `**Velocity:** ${n} of 24 points, ${w}`),
);
const prose = fc.array(block, { minLength: 1, maxLength: 25 }).map((bs) => `---\ntickets: ready\n---\n\n${bs.join('\n\n')}\n`);

let dir: string;
let jira: JiraStandIn;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-prose-'));
  await fs.mkdir(path.join(dir, 'notes'));
  jira = await startTestJira();
});
afterAll(async () => {
  await jira.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const config = (): LoadedConfig => ticketsConfig(dir, jira.url);

describe('prose never changes Jira', () => {
  it('a generated note of prose alone is read, never refused, asks for nothing, and sync sends no request', async () => {
    await fc.assert(
      fc.asyncProperty(prose, async (text) => {
        const n = parseNote(text, { file: 'n.md', rel: 'notes/n.md', project: 'CHRONOS' });
        expect(n.items.filter(asks)).toEqual([]);
        expect(n.comments).toEqual([]);
        await fs.writeFile(path.join(dir, 'notes', 'n.md'), text);
        const r = await syncTickets(config(), { dryRun: false, yes: true, credentials: { email: JIRA_EMAIL, token: JIRA_TOKEN }, sleep: async () => undefined });
        expect([r.plan.items, r.outcomes, r.exitCode]).toEqual([[], [], 0]);
        expect(jira.requests).toEqual([]);
        expect(await fs.readFile(path.join(dir, 'notes', 'n.md'), 'utf8')).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  const corpus = '/work/shared/corpora/markdown';
  it.runIf(existsSync(corpus))("the peers' markdown suites (mark, md2conf) read as notes: never refused, never a ticket", () => {
    const files = execFileSync('find', [corpus, '-name', '*.md'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const body = readFileSync(f, 'utf8').replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
      const n = parseNote(`---\ntickets: ready\n---\n${body}`, { file: f, rel: f, project: 'CHRONOS' });
      expect([f, n.items.filter(asks), n.comments]).toEqual([f, [], []]);
    }
  });
});
