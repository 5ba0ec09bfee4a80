/**
 * commander's parse result for one command (its positional arguments, and its
 * options with the global ones), read with types. Each command's options
 * interface is filled from this in one place, the command table
 * (cli/program.ts); no command looks values up by name.
 */
export class Parsed {
  private readonly args: readonly unknown[];
  private readonly opts: Readonly<Record<string, unknown>>;

  constructor(args: readonly unknown[], opts: Readonly<Record<string, unknown>>) {
    this.args = args;
    this.opts = opts;
  }

  /** A switch such as `--force`: true only when given. */
  flag(name: string): boolean {
    return this.opts[name] === true;
  }

  /** A `--no-x` switch: true unless `--no-x` was given. */
  unlessNo(name: string): boolean {
    return this.opts[name] !== false;
  }

  /** An option with a value (`--at REV`), when given. */
  value(name: string): string | undefined {
    const v = this.opts[name];
    return typeof v === 'string' ? v : undefined;
  }

  /** An option whose value commander already checked against `choices`. */
  choice<T extends string>(name: string, choices: readonly T[]): T {
    const v = this.opts[name];
    const found = choices.find((c) => c === v);
    if (found === undefined) throw new Error(`--${name}: commander let "${String(v)}" through, not one of ${choices.join(', ')}`);
    return found;
  }

  /** A required positional argument (`<name>`). */
  arg(i: number): string {
    return String(this.args[i]);
  }

  /** An optional positional argument (`[name]`), when given. */
  optionalArg(i: number): string | undefined {
    return this.args[i] === undefined ? undefined : this.arg(i);
  }

  /** A variadic argument (`[paths...]`): the words given, none when absent. */
  list(i: number): string[] {
    const a = this.args[i];
    return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  }
}
