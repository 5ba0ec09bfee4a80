import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.js';
import type { JiraStandIn, JiraStandInOptions } from '@ssot/standins/jira';
import { isSsotError } from '../../src/core/errors.js';
import { describeOutcome, syncTickets, type SyncTicketsOptions, type TicketsSyncResult } from '../../src/tickets/index.js';
import { JIRA_EMAIL, JIRA_TOKEN, startTestJira, validateAdf } from '../standins/jira.js';
import { stringContaining } from '../support/matchers.js';
import { ticketsConfig } from './support/config.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'session-2026-03-10.md');

let dir: string;
let jira: JiraStandIn | undefined;
const savedState = process.env['XDG_STATE_HOME'];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-tickets-'));
  process.env['XDG_STATE_HOME'] = path.join(dir, 'state');
  await fs.mkdir(path.join(dir, 'notes'), { recursive: true });
});
afterEach(async () => {
  // Every request ssot sent is one the published OpenAPI document accepts.
  const violations = jira?.specViolations ?? [];
  await jira?.close();
  jira = undefined;
  if (savedState === undefined) delete process.env['XDG_STATE_HOME'];
  else process.env['XDG_STATE_HOME'] = savedState;
  await fs.rm(dir, { recursive: true, force: true });
  expect(violations).toEqual([]);
});

async function start(o: JiraStandInOptions = {}): Promise<JiraStandIn> {
  jira = await startTestJira(o);
  return jira;
}

const config = (s: JiraStandIn, extra: Parameters<typeof ticketsConfig>[2] = {}): LoadedConfig => ticketsConfig(dir, s.url, extra);

async function run(s: JiraStandIn, o: Partial<SyncTicketsOptions> = {}, c: Partial<Parameters<typeof config>[1]> = {}): Promise<TicketsSyncResult> {
  return syncTickets(config(s, c), {
    dryRun: false,
    yes: false,
    credentials: { email: JIRA_EMAIL, token: JIRA_TOKEN },
    strictSchemas: true,
    sleep: async () => undefined,
    ...o,
  });
}

async function note(name: string, text: string): Promise<string> {
  const f = path.join(dir, 'notes', name);
  await fs.writeFile(f, text);
  return f;
}

function seed(s: JiraStandIn): void {
  s.addIssue({ key: 'CHRONOS-216', summary: 'Phase 2: Security hardening' });
  s.addIssue({ key: 'CHRONOS-219', summary: 'Fix the nightly export job', status: 'In Progress' });
  s.addIssue({ key: 'CHRONOS-222', summary: 'System maintenance', status: 'In Review' });
}

const FM = '---\ntickets: ready\n---\n';

describe('tickets sync against the Jira stand-in (jira.js v6)', () => {
  it('plans, applies, and a second run on the unchanged note sends no write', async () => {
    const s = await start();
    seed(s);
    const file = await note('session.md', await fs.readFile(FIXTURE, 'utf8'));

    const dry = await run(s, { dryRun: true });
    expect(s.writes()).toEqual([]);
    const ops = dry.plan.items.flatMap((i) => i.ops.map((o) => `${o.kind} ${i.key ?? i.title}`));
    expect(ops).toEqual([
      'transition CHRONOS-222',
      'comment CHRONOS-222',
      'transition CHRONOS-219',
      'update CHRONOS-216',
      'comment CHRONOS-216',
      'create Vault restore drill',
      'create Write the on-call runbook',
      'create Tidy the CI cache',
    ]);
    expect(await fs.readFile(file, 'utf8')).toBe(await fs.readFile(FIXTURE, 'utf8'));

    const r = await run(s);
    expect(r.exitCode).toBe(0);
    expect(r.created).toHaveLength(3);
    expect(s.specViolations).toEqual([]);
    // Done category reached, through the chain of transitions where needed.
    expect(s.statusOf('CHRONOS-222')!.category).toBe('done');
    expect(s.statusOf('CHRONOS-219')!.category).toBe('done');
    const i216 = s.issue('CHRONOS-216')!;
    expect([i216.custom[s.pointsFieldId!], i216.duedate, i216.comments.length]).toEqual([3, '2026-03-31', 1]);
    const drill = s.issues().find((i) => i.summary === 'Vault restore drill')!;
    expect(drill.labels).toEqual([expect.stringMatching(/^ssot-[0-9a-f]{10}$/)]);
    expect(drill.custom[s.pointsFieldId!]).toBe(2);
    // Every description and comment sent is valid ADF.
    for (const req of s.requests.filter((q) => q.method !== 'GET' && q.status < 300)) {
      const b = req.body as { fields?: { description?: unknown }; body?: unknown } | undefined;
      for (const d of [b?.fields?.description, b?.body].filter((x) => x !== undefined)) expect(validateAdf(d).errors).toBe('');
    }
    // The keys are in the note and in the mapping.
    const text = await fs.readFile(file, 'utf8');
    expect(text).toContain(`**${drill.key}:** Vault restore drill (2 points)`);
    expect(text).not.toContain('ssot:pending');
    const mapping = JSON.parse(await fs.readFile(path.join(dir, 'mapping', 'jira.json'), 'utf8')) as { items: Record<string, { key: string }> };
    expect(Object.values(mapping.items).map((e) => e.key).sort()).toEqual([...r.created].sort());

    const writesBefore = s.writes().length;
    const again = await run(s);
    expect(again.plan.items).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(s.writes().length).toBe(writesBefore);
    expect(s.issues()).toHaveLength(6);
  });

  it('a change to an item already tied to a key updates it, and only what changed', async () => {
    const s = await start();
    const file = await note('n.md', FM + '## Backlog\n\n**Write the runbook** (2 points)\n- first step\n');
    await run(s);
    const key = s.issues()[0]!.key;
    let text = await fs.readFile(file, 'utf8');
    text = text.replace('(2 points)', '(3 points)').replace('- first step', '- first step\n- second step\n**Target:** 2026-05-01\n**Comment:** half done');
    await fs.writeFile(file, text);
    const before = s.writes().length;
    const r = await run(s);
    expect(r.plan.items[0]!.ops.map((o) => o.kind)).toEqual(['update', 'comment']);
    expect(r.plan.items[0]!.ops[0]!.detail).toBe('points 2 -> 3, due - -> 2026-05-01, description');
    const i = s.issue(key)!;
    expect([i.custom[s.pointsFieldId!], i.duedate, i.comments.length]).toEqual([3, '2026-05-01', 1]);
    expect(s.writes().length - before).toBe(2);
    // the comment is in Jira now: not added again
    expect((await run(s)).plan.items).toEqual([]);
  });

  it('a key whose summary does not match is reported, not touched (exit 3); the other items still sync', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-23', summary: 'Migrate the billing database', status: 'In Progress' });
    s.addIssue({ key: 'CHRONOS-24', summary: 'Rotate the API keys', status: 'In Progress' });
    await note('n.md', FM + '## Completed\n\n- **CHRONOS-23:** Rotate the API keys ✅\n- **CHRONOS-24:** rotate the api KEYS! ✅\n');
    const r = await run(s);
    expect(r.exitCode).toBe(3);
    expect(r.outcomes.find((o) => o.key === 'CHRONOS-23')).toMatchObject({ status: 'conflict', message: stringContaining('Migrate the billing database') });
    expect(s.statusOf('CHRONOS-23')!.name).toBe('In Progress');
    expect(s.statusOf('CHRONOS-24')!.category).toBe('done');
  });

  it('a project key that does not exist: a clear error, nothing created', async () => {
    const s = await start();
    await note('n.md', FM + '## Backlog\n\n**New thing** (1 point)\n');
    const err = await run(s, {}, { project: 'CHRONSO' }).catch((e: unknown) => e);
    expect(isSsotError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toContain('no project CHRONSO');
    expect((err as { place?: { path?: string } }).place?.path).toBe('jira.project');
    expect(s.writes()).toEqual([]);
    expect(await fs.readFile(path.join(dir, 'notes', 'n.md'), 'utf8')).not.toContain('ssot:pending');
  });

  it('bad input in one note stops the run before any request', async () => {
    const s = await start();
    await note('a.md', FM + '## Backlog\n\n**Fine item** (1 point)\n');
    await note('b.md', FM + '## Completed\n\n**CHRONOS-23\n');
    const err = await run(s).catch((e: unknown) => e);
    expect(isSsotError(err) && err.exitCode).toBe(2);
    expect((err as { place?: { file: string; line?: number } }).place).toEqual({ file: path.join(dir, 'notes', 'b.md'), line: 6 });
    expect(s.requests).toEqual([]);
  });

  it('more creates than confirmAbove need --yes or a confirmation', async () => {
    const s = await start();
    await note('n.md', FM + '## Backlog\n\n' + [1, 2, 3].map((n) => `- [ ] Task number ${n}\n`).join(''));
    const err = await run(s, {}, { confirmAbove: 2 }).catch((e: unknown) => e);
    expect(isSsotError(err) && err.exitCode).toBe(2);
    expect((err as { hint?: string }).hint).toContain('--yes');
    expect(s.writes()).toEqual([]);
    let asked = 0;
    const refused = await run(s, { confirm: async () => (asked++, false) }, { confirmAbove: 2 }).catch((e: unknown) => e);
    expect([asked, isSsotError(refused), s.writes().length]).toEqual([1, true, 0]);
    const r = await run(s, { yes: true }, { confirmAbove: 2 });
    expect(r.created).toHaveLength(3);
  });

  it('the watcher acts only on notes marked ready', async () => {
    const s = await start();
    await note('ready.md', FM + '## Backlog\n\n- [ ] Ready item\n');
    await note('draft.md', '---\ntickets: draft\n---\n## Backlog\n\n- [ ] Draft item\n');
    await note('typing.md', '# no front matter yet\n\n**CHRONOS-2');
    const r = await run(s, { readyOnly: true });
    expect(r.created).toHaveLength(1);
    expect(s.issues().map((i) => i.summary)).toEqual(['Ready item']);
  });

  it('429 with Retry-After is waited out; a 500 on a read is retried', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-5', summary: 'Close me', status: 'To Do' });
    await note('n.md', FM + '## Completed\n\n- **CHRONOS-5:** Close me\n\n## Backlog\n\n- [ ] Make me\n');
    s.failNext({ method: 'POST', path: '/rest/api/3/issue', status: 429, retryAfter: '2' });
    s.failNext({ method: 'GET', path: /\/rest\/api\/3\/issue\/CHRONOS-5$/, status: 500 });
    const waits: number[] = [];
    const r = await run(s, { sleep: async (ms) => void waits.push(ms) });
    expect(r.exitCode).toBe(0);
    expect(waits).toContain(2000);
    expect(s.issues().filter((i) => i.summary === 'Make me')).toHaveLength(1);
    expect(s.statusOf('CHRONOS-5')!.category).toBe('done');
    // To Do offers no Done transition: To Do -> In Progress -> In Review -> Done.
    expect(s.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/CHRONOS-5/transitions') && q.status === 204)).toHaveLength(3);
  });

  it('a secret value in a note is never sent to Jira', async () => {
    const s = await start();
    await note('n.md', FM + `## Backlog\n\n- [ ] Rotate the token\n  - old one was ${JIRA_TOKEN}\n`);
    const { redactor } = await import('../../src/core/redact.js');
    redactor.add(JIRA_TOKEN);
    const err = await run(s).catch((e: unknown) => e);
    expect(isSsotError(err) && err.exitCode).toBe(2);
    expect((err as { place?: { line?: number } }).place?.line).toBe(6);
    expect(s.requests).toEqual([]);
  });

  it('a malformed mapping/jira.json: exit 2 naming the file, nothing written', async () => {
    const s = await start();
    await note('n.md', FM + '## Backlog\n\n- [ ] Something\n');
    await fs.mkdir(path.join(dir, 'mapping'));
    await fs.writeFile(path.join(dir, 'mapping', 'jira.json'), '{ "version": 1, "items": { "zz": 3 } }\n');
    const err = await run(s).catch((e: unknown) => e);
    expect(isSsotError(err) && err.exitCode).toBe(2);
    expect((err as { place?: { file: string } }).place?.file).toBe(path.join(dir, 'mapping', 'jira.json'));
    expect(s.writes()).toEqual([]);
  });

  it('a create Jira refuses (400) leaves no marker behind, so the next run creates it at once', async () => {
    const s = await start();
    const file = await note('n.md', FM + '## Backlog\n\n- [ ] Refused once\n');
    s.failNext({ method: 'POST', path: '/rest/api/3/issue', status: 400, body: { errorMessages: [], errors: { duedate: 'Field is required' } } });
    const r = await run(s);
    expect(r.outcomes[0]).toMatchObject({ status: 'failed', message: stringContaining('duedate: Field is required') });
    expect(await fs.readFile(file, 'utf8')).toBe(FM + '## Backlog\n\n- [ ] Refused once\n');
    const r2 = await run(s);
    expect([r2.exitCode, s.issues().length]).toEqual([0, 1]);
  });

  it('one item failing does not stop the others', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-5', summary: 'Close me', status: 'To Do' });
    await note('n.md', FM + '## Completed\n\n- **CHRONOS-5:** Close me\n\n## Backlog\n\n- [ ] Make me\n');
    s.failNext({ method: 'POST', path: /transitions$/, status: 400, body: { errorMessages: ['A resolution is required.'], errors: {} } });
    const r = await run(s);
    expect(r.exitCode).toBe(1);
    expect(r.outcomes.find((o) => o.key === 'CHRONOS-5')).toMatchObject({ status: 'failed', message: stringContaining('A resolution is required') });
    expect(s.issues().filter((i) => i.summary === 'Make me')).toHaveLength(1);
  });

  it('finds the story-points field by name, or the configured one; Story point estimate on team-managed sites', async () => {
    const s = await start({ pointsField: 'team' });
    await note('n.md', FM + '## Backlog\n\n- [ ] Estimate me (5 points)\n');
    await run(s);
    expect(s.issues()[0]!.custom['customfield_10016']).toBe(5);
  });

  it('jira.storyPointsField wins; one that does not exist is a warning and the points are left out', async () => {
    const s = await start();
    await note('n.md', FM + '## Backlog\n\n- [ ] Configured field (3 points)\n');
    await run(s, {}, { storyPointsField: 'Story Points' });
    expect(s.issues()[0]!.custom['customfield_10026']).toBe(3);
    await note('m.md', FM + '## Backlog\n\n- [ ] Unknown field (2 points)\n');
    const warnings: string[] = [];
    const r = await run(
      s,
      {
        log: (e) => {
          if (e.type === 'warning') warnings.push(e.message);
        },
      },
      { storyPointsField: 'customfield_99999' },
    );
    expect(r.exitCode).toBe(0);
    expect(warnings).toEqual([expect.stringContaining('no story-points field found')]);
    const made = s.issues().find((i) => i.summary === 'Unknown field')!;
    expect(made.custom).toEqual({});
  });

  it('a token Jira refuses: a credential error (exit 2), nothing written, the token not in the message', async () => {
    const s = await start();
    await note('n.md', FM + '## Backlog\n\n- [ ] Anything\n');
    const err = await run(s, { credentials: { email: JIRA_EMAIL, token: 'wrong-token-123456' } }).catch((e: unknown) => e);
    expect(isSsotError(err) && [err.code, err.exitCode]).toEqual(['REMOTE_AUTH', 2]);
    expect((err as Error).message).not.toContain('wrong-token');
    expect(s.writes()).toEqual([]);
  });

  it('recovers creates whose keys were never written back: found by label through paginated search, not created again', async () => {
    const s = await start({ maxPage: 2 });
    const { itemId } = await import('../../src/tickets/match.js');
    const titles = [1, 2, 3, 4, 5].map((n) => `Recover me ${n}`);
    // What a crash after the create (or a teammate's run whose mapping is not pulled yet) leaves:
    // the issues in Jira with their tie labels, a marker or nothing in the note, no mapping.
    const made = titles.map((t) => s.addIssue({ summary: t, labels: [`ssot-${itemId('notes/n.md', t)}`] }));
    const id1 = itemId('notes/n.md', titles[0]!);
    const lines = titles.map((t, i) => `- [ ] ${t}${i === 0 ? ` <!-- ssot:pending ${id1} 2026-01-01T00:00:00Z -->` : ''}\n`).join('');
    const file = await note('n.md', FM + '## Backlog\n\n' + lines);
    const r = await run(s);
    expect(r.exitCode).toBe(0);
    expect(r.created).toEqual([]);
    expect(r.plan.items.map((i) => i.ops.map((o) => o.kind).join('+'))).toEqual(['link', 'link', 'link', 'link', 'link']);
    expect(s.issues()).toHaveLength(5);
    const text = await fs.readFile(file, 'utf8');
    for (const [i, t] of titles.entries()) expect(text).toContain(`- [ ] **${made[i]!.key}:** ${t}\n`);
    expect(text).not.toContain('ssot:pending');
    const searches = s.requests.filter((q) => q.path === '/rest/api/3/search/jql');
    expect(searches).toHaveLength(3);
    expect((searches[1]!.body as { nextPageToken?: string }).nextPageToken).toBeTruthy();
    expect((await run(s)).plan.items).toEqual([]);
  });

  it('a fresh pending marker whose issue search does not show yet (indexing lag) waits instead of creating a twin', async () => {
    const s = await start({ lagMs: 60_000 });
    const { itemId } = await import('../../src/tickets/match.js');
    const id = itemId('notes/n.md', 'Laggy');
    s.addIssue({ summary: 'Laggy', labels: [`ssot-${id}`], createdAt: Date.now() });
    const at = new Date().toISOString();
    await note('n.md', FM + `## Backlog\n\n**Laggy** <!-- ssot:pending ${id} ${at} -->\n`);
    const r = await run(s);
    expect(r.exitCode).toBe(1);
    expect(r.outcomes[0]!.status).toBe('waiting');
    expect(s.issues()).toHaveLength(1);
    s.setLag(0);
    const r2 = await run(s);
    expect(r2.exitCode).toBe(0);
    expect(s.issues()).toHaveLength(1);
  });

  it('a key named in two notes: the newer note sets the fields, nothing flips back and forth', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-40', summary: 'Shared work' });
    await note('2026-03-01.md', FM + '## Backlog\n\n- **CHRONOS-40:** Shared work (2 points)\n');
    await note('2026-03-08.md', FM + '## Backlog\n\n- **CHRONOS-40:** Shared work (5 points)\n');
    await run(s);
    expect(s.issue('CHRONOS-40')!.custom[s.pointsFieldId!]).toBe(5);
    const writes = s.writes().length;
    expect((await run(s)).plan.items).toEqual([]);
    expect(s.writes().length).toBe(writes);
  });

  it('a comment in a Comments section goes to its key once', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-9', summary: 'Anything' });
    await note('n.md', FM + '## Comments\n\n- **CHRONOS-9:** Talked to ops, waiting on them.\n');
    await run(s);
    await run(s);
    expect(s.issue('CHRONOS-9')!.comments).toHaveLength(1);
  });
});

describe('what real notes ask for, against the stand-in', () => {
  it('a line that asks for no change is never looked up, so a key it names needs no summary check', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-50', summary: 'Something else entirely' });
    s.addIssue({ key: 'CHRONOS-52', summary: 'Also something else', custom: { customfield_10026: 3 } });
    await note('n.md', FM + '## Sprint\n\n- ⏳ CHRONOS-50: Waiting on it\n- CHRONOS-50 came up in the review\n\n## Backlog\n\n- **CHRONOS-52:** Different words (3 points)\n');
    const r = await run(s);
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => [o.key, describeOutcome(o)])).toEqual([['CHRONOS-52', 'unchanged']]);
    expect(s.requests.filter((q) => q.path.includes('CHRONOS-50'))).toEqual([]);
    expect(s.writes()).toEqual([]);
  });

  it('🔄 or an In Progress heading moves a ticket from To Do to In Progress, never back from review or Done', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-60', summary: 'Phase 2: Security Hardening', status: 'To Do' });
    s.addIssue({ key: 'CHRONOS-61', summary: 'Plan Ubuntu 24.04 LTS Upgrade Strategy', status: 'In Review' });
    s.addIssue({ key: 'CHRONOS-62', summary: 'Rotate IAM access keys', status: 'Done' });
    await note('n.md', FM + '## 🔄 In Progress\n\n- CHRONOS-60: Phase 2 Security Hardening\n- CHRONOS-61: Ubuntu Upgrade Planning\n\n## Sprint\n\n- 🔄 CHRONOS-62: Rotate IAM access keys\n');
    const r = await run(s);
    expect(r.outcomes.map((o) => [o.key, describeOutcome(o)])).toEqual([
      ['CHRONOS-60', 'moved to In Progress'],
      ['CHRONOS-61', 'unchanged'],
      ['CHRONOS-62', 'unchanged'],
    ]);
    expect([s.statusOf('CHRONOS-60')!.name, s.statusOf('CHRONOS-61')!.name, s.statusOf('CHRONOS-62')!.name]).toEqual(['In Progress', 'In Review', 'Done']);
    expect((await run(s)).plan.items).toEqual([]);
  });

  it('each outcome says what happened: created, updated, commented, moved to Done; a dry run says what would', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-70', summary: 'Complete Documentation SSOT Mapping', status: 'In Progress' });
    s.addIssue({ key: 'CHRONOS-71', summary: 'System Maintenance - Update Lightsail Packages' });
    await note(
      'n.md',
      FM +
        '## ✅ Completed This Session\n\n- ✅ CHRONOS-70: Complete Doc Mapping\n  - **Comment:** all 31 docs mapped\n\n**Write the mapping validator** (1 point) ✅\n\n' +
        '## 📋 Backlog\n\n**CHRONOS-71:** System Maintenance (2 points)\n',
    );
    const dry = await run(s, { dryRun: true });
    expect(dry.outcomes.map(describeOutcome)).toEqual(['would move to Done, comment', 'would create, move to Done', 'would update']);
    const r = await run(s);
    expect(r.outcomes.map((o) => [o.key, describeOutcome(o)])).toEqual([
      ['CHRONOS-70', 'moved to Done, commented'],
      [r.created[0], 'created, moved to Done'],
      ['CHRONOS-71', 'updated'],
    ]);
    expect(s.statusOf(r.created[0]!)!.category).toBe('done');
    expect((await run(s)).outcomes.map(describeOutcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('a key whose summary is another ticket\'s is still refused with both summaries (exit 3); its abbreviation is not', async () => {
    const s = await start();
    s.addIssue({ key: 'CHRONOS-22', summary: 'Migrate the billing database', status: 'In Progress' });
    s.addIssue({ key: 'CHRONOS-222', summary: 'System Maintenance - Update Lightsail Packages', status: 'In Progress' });
    await note('n.md', FM + '## Sprint\n\n- ✅ CHRONOS-22: System Maintenance\n- ✅ CHRONOS-222: System Maintenance\n');
    const r = await run(s);
    expect(r.exitCode).toBe(3);
    expect(r.outcomes.map((o) => [o.key, o.status, o.message ?? ''])).toEqual([
      ['CHRONOS-22', 'conflict', 'Jira\'s summary of CHRONOS-22 is "Migrate the billing database", the note says "System Maintenance"; not touched (fix the key or the title)'],
      ['CHRONOS-222', 'changed', ''],
    ]);
    expect([s.statusOf('CHRONOS-22')!.name, s.statusOf('CHRONOS-222')!.name]).toEqual(['In Progress', 'Done']);
  });

  it('a half-typed key or points that are no number: exit 2 naming the line, no request at all', async () => {
    const s = await start();
    await note('a.md', FM + '## ✅ Completed\n\n- ✅ CHRONOS-1: Fine\n');
    await note('b.md', FM + '## 🎯 Next Steps\n\n**CHRONOS-:** Something (2 points)\n- [ ] Another item (many points)\n');
    const err = await run(s).catch((e: unknown) => e);
    expect(isSsotError(err) && [err.code, err.exitCode]).toEqual(['BAD_INPUT', 2]);
    expect((err as Error).message).toContain(`${path.join(dir, 'notes', 'b.md')}:7: points "many" is not a number`);
    expect((err as { place?: { line?: number } }).place?.line).toBe(6);
    expect(s.requests).toEqual([]);
  });

  it('a new title written in two places becomes one issue, and both lines get its key', async () => {
    const s = await start();
    const file = await note('n.md', FM + '## Backlog\n\n- [ ] Write the runbook (1 point)\n\n## 🎯 Next Steps\n\n1. **Write the runbook**\n');
    const r = await run(s);
    expect(r.created).toHaveLength(1);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toContain(`- [ ] **${r.created[0]!}:** Write the runbook (1 point)\n`);
    expect(text).toContain(`1. **${r.created[0]!}:** Write the runbook\n`);
    expect((await run(s)).plan.items).toEqual([]);
  });

  it('reads each key once, in one search, however many notes name it; a search Jira refuses falls back to reading them one by one', async () => {
    const s = await start();
    for (const n of [1, 2, 3, 4]) s.addIssue({ key: `CHRONOS-${80 + n}`, summary: `Ticket number ${n}`, status: 'In Progress' });
    const lines = (ns: number[]): string => ns.map((n) => `- ✅ CHRONOS-${80 + n}: Ticket number ${n}\n`).join('');
    await note('2026-11-01.md', FM + '## Done\n\n' + lines([1, 2, 3]));
    await note('2026-11-02.md', FM + '## Done\n\n' + lines([2, 3, 4]));
    await run(s, { dryRun: true });
    const reads = (): string[] => s.requests.filter((q) => q.method === 'GET' && /\/issue\/CHRONOS-\d+$/.test(q.path)).map((q) => q.path);
    expect(s.requests.filter((q) => q.path === '/rest/api/3/search/jql').map((q) => (q.body as { jql: string }).jql)).toEqual(['key in (CHRONOS-81, CHRONOS-82, CHRONOS-83, CHRONOS-84)']);
    expect(reads()).toEqual([]);
    // Jira refuses a query naming a key that does not exist: the keys are read one by one.
    s.failNext({ method: 'POST', path: '/rest/api/3/search/jql', status: 400, body: { errorMessages: ["An issue with key 'CHRONOS-84' does not exist for field 'key'."], errors: {} } });
    const r = await run(s);
    expect(reads()).toHaveLength(4);
    expect([r.exitCode, r.outcomes.map((o) => o.status)]).toEqual([0, ['changed', 'changed', 'changed', 'unchanged', 'unchanged', 'changed']]);
  });
});

