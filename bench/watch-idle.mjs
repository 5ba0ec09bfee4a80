#!/usr/bin/env node
// What an idle `ssot watch` costs: start the watcher on a workspace (a vault
// file, a docs tree, a notes folder, the config), leave it alone, and sample
// its CPU time and RSS from /proc/<pid>/stat and /proc/<pid>/status.
//
//   npx tsc -p tsconfig.json && node bench/watch-idle.mjs [--minutes 10] [--interval 10] [--files 500] [--cli]
//
// Default: the watcher machinery (runWatch) with no-op targets, so the number
// is the watcher's own cost. --cli runs `bin/ssot watch` itself, with the
// targets this build wires in (src/watch/targets.ts).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const minutes = opt('minutes', 10);
const intervalS = opt('interval', 10);
const files = opt('files', 500);
const useCli = args.includes('--cli');

if (process.platform !== 'linux') {
  console.error('this benchmark reads /proc: Linux only');
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist', 'watch', 'run.js'))) {
  console.error('build first: npx tsc -p tsconfig.json');
  process.exit(2);
}

const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-bench-watch-'));

// The workspace: a vault folder with the primary and a few neighbours, a docs tree, notes.
await fs.mkdir(path.join(work, 'security'));
await fs.writeFile(path.join(work, 'security', 'chronos.kdbx'), Buffer.alloc(64 * 1024, 1));
for (const n of ['other.kdbx', 'notes.txt']) await fs.writeFile(path.join(work, 'security', n), 'x');
for (let i = 0; i < files; i++) {
  const d = path.join(work, 'docs', `area-${i % 20}`);
  await fs.mkdir(d, { recursive: true });
  await fs.writeFile(path.join(d, `page-${i}.md`), `# Page ${i}\n\n${'Some text. '.repeat(50)}\n`);
}
await fs.mkdir(path.join(work, 'docs', 'session_notes'), { recursive: true });
await fs.writeFile(
  path.join(work, 'ssot.config.yaml'),
  `vaults:\n  - name: chronos\n    path: security/chronos.kdbx\ndocs:\n  root: docs\ntickets:\n  notes: docs/session_notes\nwatch:\n  debounceMs: 2000\n  pollRemotesMinutes: 10\n`,
);

let childArgs;
if (useCli) {
  childArgs = [path.join(root, 'bin', 'ssot'), 'watch', '--config', path.join(work, 'ssot.config.yaml')];
} else {
  const script = path.join(work, 'watcher.mjs');
  const dist = (p) => JSON.stringify(pathToFileURL(path.join(root, 'dist', ...p.split('/'))).href);
  await fs.writeFile(
    script,
    `import { runWatch } from ${dist('watch/run.js')};
import { createLogger } from ${dist('watch/log.js')};
import { pathsFor } from ${dist('watch/targets.js')};
import { loadConfig } from ${dist('config/load.js')};
const file = ${JSON.stringify(path.join(work, 'ssot.config.yaml'))};
const logger = createLogger();
const noop = async () => {};
process.exitCode = await runWatch({
  configFile: file,
  loadConfig: () => loadConfig(file),
  // The real paths, no-op targets: the cost measured is the watcher's own.
  targetsFor: (c) => [...c.vaults.map((v) => ({ id: 'vault:' + v.name, poll: true, run: noop })), { id: 'docs', run: noop }, { id: 'tickets', run: noop }],
  pathsFor,
  logger,
});
logger.close();
`,
  );
  childArgs = [script];
}

const child = spawn(process.execPath, childArgs, {
  cwd: work,
  env: { ...process.env, XDG_STATE_HOME: path.join(work, 'state') },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const pid = child.pid;

function sample() {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" of the command name: utime is field 14, stime 15 (1-based).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(f[11]) + Number(f[12])) / ticks;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { t: performance.now() / 1000, cpuS, rssKb };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Let it start and run its start-up sync before the idle window opens.
await sleep(intervalS * 1000);
const startup = sample();
const samples = [startup];
const total = Math.max(1, Math.round((minutes * 60) / intervalS));
for (let i = 0; i < total; i++) {
  await sleep(intervalS * 1000);
  samples.push(sample());
}
const stoppedAt = performance.now();
child.kill('SIGTERM');
const code = await new Promise((r) => child.on('exit', (c) => r(c)));
const stopMs = performance.now() - stoppedAt;
await fs.rm(work, { recursive: true, force: true });

const last = samples.at(-1);
const idleCpuPct = ((last.cpuS - startup.cpuS) / (last.t - startup.t)) * 100;
const perInterval = samples.slice(1).map((s, i) => ((s.cpuS - samples[i].cpuS) / (s.t - samples[i].t)) * 100);
const maxRssMb = Math.max(...samples.map((s) => s.rssKb)) / 1024;
const rows = [
  ['watcher', useCli ? 'bin/ssot watch (wired targets)' : 'runWatch, no-op targets'],
  ['workspace', `1 vault, ${files} docs in 20 folders, notes, config`],
  ['idle window', `${((last.t - startup.t) / 60).toFixed(1)} min, ${samples.length - 1} samples of ${intervalS} s`],
  ['CPU time to start (first ' + intervalS + ' s)', `${(startup.cpuS * 1000).toFixed(0)} ms`],
  ['average CPU while idle', `${idleCpuPct.toFixed(3)} %`],
  ['highest CPU in one interval', `${Math.max(...perInterval).toFixed(3)} %`],
  ['max RSS', `${maxRssMb.toFixed(1)} MB`],
  ['RSS at the end', `${(last.rssKb / 1024).toFixed(1)} MB`],
  ['SIGTERM to exit', `${stopMs.toFixed(0)} ms, exit code ${code}`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`node ${process.version}, ${os.cpus().length} cores (shared), CLK_TCK ${ticks}`);
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
