import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JiraStandIn } from '@ssot/standins/jira';
import { JIRA_EMAIL, JIRA_TOKEN, startTestJira } from '../standins/jira.js';
import { seed } from './support/seed.js';

/**
 * A run killed (SIGKILL) right after Jira answered the create, before the
 * key reached the mapping or the note; the next run must find the issue by
 * its tie label and write the key back: one issue, not two.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let dir: string;
let jira: JiraStandIn;

beforeAll(async () => {
  // The child runs the real CLI from dist/: built unless it is newer than every source file.
  if (await distIsStale()) await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-tickets-crash-'));
  jira = await startTestJira();
  await fs.mkdir(path.join(dir, 'notes'));
  await fs.writeFile(
    path.join(dir, 'ssot.config.yaml'),
    `jira:\n  baseUrl: ${jira.url}\n  email: { env: JIRA_EMAIL }\n  token: { env: JIRA_TOKEN }\n  project: CHRONOS\ntickets:\n  notes: notes\n`,
  );
}, 120_000);

async function distIsStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await fs.stat(path.join(ROOT, 'dist', 'cli', 'main.js'))).mtimeMs;
  } catch {
    return true;
  }
  for (const e of await fs.readdir(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && (await fs.stat(path.join(e.parentPath, e.name))).mtimeMs > built) return true;
  }
  return false;
}

afterAll(async () => {
  // Unset when beforeAll failed before the stand-in started.
  await (jira as JiraStandIn | undefined)?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function ssot(args: string[], onSpawn?: (c: ChildProcess) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ssot'), ...args, '--config', path.join(dir, 'ssot.config.yaml')], {
      cwd: dir,
      // Credentials by environment, never on the command line.
      env: { ...process.env, JIRA_EMAIL, JIRA_TOKEN, XDG_STATE_HOME: path.join(dir, 'state'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    onSpawn?.(child);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('crash between the create and the write-back', () => {
  it('re-run after a kill: the issue is found by its label, never created twice', async () => {
    const file = path.join(dir, 'notes', 'n.md');
    await fs.writeFile(file, '---\ntickets: ready\n---\n## Backlog\n\n**First new item** (2 points)\n- why it matters\n\n- [ ] Second new item\n');

    let killed = false;
    const r1 = await ssot(['tickets', 'sync', '--yes'], (child) => {
      jira.setAfterResponse((req) => {
        if (!killed && req.method === 'POST' && req.path === '/rest/api/3/issue' && req.status === 201) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
    });
    jira.setAfterResponse(undefined);
    expect(r1.signal).toBe('SIGKILL');
    expect(jira.issues()).toHaveLength(1);
    const first = jira.issues()[0]!;
    const afterCrash = await fs.readFile(file, 'utf8');
    expect(afterCrash).toMatch(/\*\*First new item\*\* \(2 points\) <!-- ssot:pending [0-9a-f]{10} \S+ -->/);
    expect(afterCrash).not.toContain(first.key);

    // Jira's search has not indexed the new issue yet: the run waits, creates nothing.
    jira.setLag(60_000);
    const r2 = await ssot(['tickets', 'sync', '--yes']);
    expect(r2.code).toBe(1);
    expect(r2.out).toContain('does not show it yet');
    expect(jira.issues()).toHaveLength(2); // only the second item was created
    jira.setLag(0);

    const r3 = await ssot(['tickets', 'sync', '--yes']);
    expect(r3.code).toBe(0);
    expect(r3.out).toMatch(/write the key back\s+CHRONOS-1\s/);
    expect(r3.out).toContain("tickets: 1 key written back, 1 unchanged, 0 conflicts, 0 failed");
    expect(jira.issues().map((i) => i.summary).sort()).toEqual(['First new item', 'Second new item']);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toContain(`**${first.key}:** First new item (2 points)`);
    expect(text).not.toContain('ssot:pending');
    const mapping = JSON.parse(await fs.readFile(path.join(dir, 'mapping', 'jira.json'), 'utf8')) as { items: Record<string, { key: string }> };
    expect(Object.values(mapping.items).map((e) => e.key).sort()).toEqual(jira.issues().map((i) => i.key).sort());

    const writes = jira.writes().length;
    const r4 = await ssot(['tickets', 'sync', '--dry-run']);
    expect(r4.code).toBe(0);
    // What each line was read as, then the plan: nothing.
    expect(r4.out).toMatch(/^tickets: notes\/n\.md, read as:\n\s+4\s+section\s+"Backlog": backlog.*\n\s+6\s+item\s+CHRONOS-1 "First new item": kept in line with the note \(2 points\)\n/);
    expect(r4.out).toContain('\ntickets: nothing to change\n');
    expect(jira.writes().length).toBe(writes);
    expect(jira.specViolations).toEqual([]);
    // The token never reaches the output.
    for (const r of [r1, r2, r3, r4]) expect(r.out).not.toContain(JIRA_TOKEN);
  });
});

describe('ssot tickets sync on the command line', () => {
  it('off a terminal, more than confirmAbove creates without --yes: exit 2, nothing written; a mismatched key: exit 3', async () => {
    const file = path.join(dir, 'notes', 'many.md');
    await fs.writeFile(file, '---\ntickets: ready\n---\n## Backlog\n\n' + [1, 2, 3, 4, 5, 6].map((n) => `- [ ] Bulk item ${n}\n`).join(''));
    const before = jira.writes().length;
    const r = await ssot(['tickets', 'sync', file]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('6 issues to create, more than tickets.confirmAbove (5)');
    expect(r.out).toContain('--yes');
    expect(jira.writes().length).toBe(before);
    expect(await fs.readFile(file, 'utf8')).not.toContain('ssot:pending');

    await fs.rm(file);
    const odd = path.join(dir, 'notes', 'odd.md');
    const other = jira.addIssue({ summary: 'Someone else\'s ticket', status: 'In Progress' });
    await fs.writeFile(odd, `---\ntickets: ready\n---\n## Completed\n\n- **${other.key}:** My finished work ✅\n`);
    const r3 = await ssot(['tickets', 'sync', odd]);
    expect(r3.code).toBe(3);
    expect(r3.out).toContain(`Jira's summary of ${other.key} is "Someone else's ticket"`);
    expect(jira.statusOf(other.key)!.name).toBe('In Progress');
    await fs.rm(odd);
  });

  it('an item whose text holds a secret the guard finds is not sent to Jira: exit 2, the note and Jira untouched', async () => {
    const file = path.join(dir, 'notes', 'leaky.md');
    const key = ['AKIA', 'Z7QX3MV2KDPLWRTB'].join('');
    const text = `---\ntickets: ready\n---\n## Backlog\n\n**Rotate the deploy credentials** (1 point)\n- the old key is ${key}\n`;
    await fs.writeFile(file, text);
    const before = jira.writes().length;
    const r = await ssot(['tickets', 'sync', file]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/leaky\.md:\d+.*contains a secret \(aws-access-key-id\)/);
    expect(r.out).not.toContain(key);
    expect(jira.writes().length).toBe(before);
    expect(await fs.readFile(file, 'utf8')).toBe(text);
    await fs.rm(file);
  });

  it('--dry-run shows what each line of a real note was read as; `ssot sync` says what happened to each item', async () => {
    seed(jira);
    const name = '2026-11-20-session-aws-sso.md';
    const file = path.join(dir, 'notes', name);
    await fs.copyFile(path.join(import.meta.dirname, 'fixtures', 'real', name), file);
    const dry = await ssot(['tickets', 'sync', '--dry-run', file]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`tickets: notes/${name}, read as:\n`);
    expect(dry.out).toMatch(/\n\s+150\s+mention\s+CHRONOS-221 "Complete Doc Mapping": named with ⏳, no change\n/);
    expect(dry.out).toMatch(/\n\s+165\s+ignored\s+"\*\*Session Complete:\*\* 2026-11-20 22:40 UTC": a field of the note, not an item\n/);
    expect(dry.out).toMatch(/\nmove to In Progress\s+CHRONOS-216\s+notes\/2026-11-20-session-aws-sso\.md:73\s+To Do -> a status of the In Progress category \(🔄\)\n/);
    expect(dry.out).toContain('tickets: 3 to move to Done, 3 to update, 1 to move to In Progress, 3 unchanged, 0 conflicts\n');

    const r = await ssot(['sync', '--only', 'tickets']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/tickets\s+notes\/2026-11-20-session-aws-sso\.md:62 CHRONOS-219\s+moved to Done\s+AWS CLI \+ SSO Configuration/);
    expect(r.out).toMatch(/tickets\s+notes\/2026-11-20-session-aws-sso\.md:73 CHRONOS-216\s+updated, moved to In Progress\s/);
    expect(r.out).toMatch(/tickets\s+notes\/2026-11-20-session-aws-sso\.md:81 CHRONOS-221\s+unchanged\s/);
    expect(r.out).not.toMatch(/\sdone\s/);
    expect(jira.statusOf('CHRONOS-219')!.name).toBe('Done');
    await fs.rm(file);
  });
});

