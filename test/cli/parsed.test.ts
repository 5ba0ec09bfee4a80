import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { Parsed } from '../../src/cli/parsed.js';

/** Parse argv with a real commander command, as cli/program.ts declares them, and hand the action's values to Parsed. */
function parse(declare: (c: Command) => Command, argv: string[]): Parsed {
  let got: Parsed | undefined;
  const cmd = declare(new Command('t').exitOverride().configureOutput({ writeErr: () => undefined })).action((...all: unknown[]) => {
    const self = all[all.length - 1] as Command;
    got = new Parsed(all.slice(0, -2), self.opts<Record<string, unknown>>());
  });
  cmd.parse(argv, { from: 'user' });
  return got!;
}

const guard = (c: Command): Command =>
  c
    .argument('[paths...]')
    .option('--all')
    .option('--hook <name>')
    .option('--no-vault-index')
    .option('--write-baseline');

describe("commander's parse result, read with types", () => {
  it('switches are true only when given; a --no-x switch is true unless --no-x is given', () => {
    const none = parse(guard, []);
    expect([none.flag('all'), none.flag('writeBaseline'), none.unlessNo('vaultIndex'), none.value('hook')]).toEqual([false, false, true, undefined]);
    const all = parse(guard, ['--all', '--write-baseline', '--no-vault-index', '--hook', 'pre-commit']);
    expect([all.flag('all'), all.flag('writeBaseline'), all.unlessNo('vaultIndex'), all.value('hook')]).toEqual([true, true, false, 'pre-commit']);
  });

  it('a variadic argument is the words given, none when absent', () => {
    expect(parse(guard, []).list(0)).toEqual([]);
    expect(parse(guard, ['a.txt', 'dir/']).list(0)).toEqual(['a.txt', 'dir/']);
  });

  it('required and optional positional arguments', () => {
    const merge = (c: Command): Command => c.argument('<base>').argument('<ours>').argument('<theirs>').argument('[path]');
    const three = parse(merge, ['O', 'A', 'B']);
    expect([three.arg(0), three.arg(1), three.arg(2), three.optionalArg(3)]).toEqual(['O', 'A', 'B', undefined]);
    expect(parse(merge, ['O', 'A', 'B', 'v.kdbx']).optionalArg(3)).toBe('v.kdbx');
  });

  it('an option with choices gives the typed choice; a value commander did not check is refused', () => {
    const restore = (c: Command): Command => c.argument('<name>').addOption(new Option('--from <source>').choices(['git', 'backup']).makeOptionMandatory()).option('--at <rev>');
    const p = parse(restore, ['chronos', '--from', 'git', '--at', '2026-03-01']);
    const from: 'git' | 'backup' = p.choice('from', ['git', 'backup'] as const);
    expect([p.arg(0), from, p.value('at')]).toEqual(['chronos', 'git', '2026-03-01']);
    expect(() => parse(restore, ['chronos', '--from', 'ftp'])).toThrow(/Allowed choices are git, backup/);
    expect(() => new Parsed([], { from: 'ftp' }).choice('from', ['git'])).toThrow('--from');
  });

  it('a default value is read like a given one', () => {
    const dev = (c: Command): Command => c.option('--port <n>', 'first port', '0');
    expect(parse(dev, []).value('port')).toBe('0');
    expect(parse(dev, ['--port', '8080']).value('port')).toBe('8080');
  });
});
