import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runSsot } from './support/cli.js';

// Every `ssot …` command shown in a shell block of the README or docs/ must
// exist as written: its command path answers `--help`, and each --option it
// uses is one that command documents.

function shellLines(file: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const f = /^\s*```(\w*)/.exec(raw);
    if (f) {
      fence = fence === undefined ? f[1]! : undefined;
      continue;
    }
    if (fence === undefined || !['', 'sh', 'bash', 'shell', 'console'].includes(fence)) continue;
    const line = raw.replace(/^\s*\$\s+/, '').replace(/\s+#.*$/, '').trim();
    if (/^ssot\s/.test(line)) out.push(line);
  }
  return out;
}

const files = [path.join(REPO, 'README.md'), ...readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(REPO, 'docs', f))];
const commands = [...new Set(files.flatMap(shellLines))];

const helpCache = new Map<string, string>();

/** What is wrong with one documented command line (empty when nothing is). */
async function problemsOf(line: string): Promise<string[]> {
  const words = line.split(/\s+/).slice(1);
  const cmdPath: string[] = [];
  for (const w of words) {
    if (!/^[a-z][a-z-]*$/.test(w)) break;
    cmdPath.push(w);
  }
  let help: string | undefined;
  for (let n = cmdPath.length; n >= 0 && help === undefined; n--) {
    const key = cmdPath.slice(0, n).join(' ');
    if (!helpCache.has(key)) {
      const r = await runSsot([...cmdPath.slice(0, n), '--help']);
      helpCache.set(key, r.code === 0 && r.stdout.startsWith(`Usage: ssot${key ? ` ${key}` : ''}`) ? r.stdout : '');
    }
    const h = helpCache.get(key);
    // A word left over must be an argument the command takes, not a subcommand that does not exist.
    const usage = h?.split('\n')[0]?.replace(/\[options\]|\[command\]/g, '') ?? '';
    if (h && (n === cmdPath.length || /[<[]/.test(usage))) help = h;
    if (h && help === undefined) break;
  }
  if (!help) return [`${line}: no such command`];
  return [...line.matchAll(/\s(--[a-z][a-z-]*)/g)].map((o) => o[1]!).filter((option) => !help.includes(option)).map((option) => `${line}: ${option} is not an option of this command`);
}

describe('commands shown in the docs', () => {
  it('there are some to check, and the check catches a misspelt command or option', async () => {
    expect(commands.length).toBeGreaterThan(10);
    expect(await problemsOf('ssot vault verfy chronos')).toEqual(['ssot vault verfy chronos: no such command']);
    expect(await problemsOf('ssot sync --dryrun')).toEqual(['ssot sync --dryrun: --dryrun is not an option of this command']);
    expect(await problemsOf('ssot vault verify chronos')).toEqual([]);
  });

  it('each exists, and each of its options is documented by --help', async () => {
    const problems: string[] = [];
    for (const line of commands) problems.push(...(await problemsOf(line)));
    expect(problems).toEqual([]);
  }, 120_000);
});
