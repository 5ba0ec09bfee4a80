import { UsageError } from '../../core/errors.js';
import { defaultSecretStore } from '../../config/keyring.js';
import type { CommandContext } from '../context.js';
import { promptHidden } from '../prompt.js';

export interface KeyringOptions {
  /** service/account, as given. */
  ref: string;
}

export interface KeyringSetOptions extends KeyringOptions {
  /** Store the empty string (a vault whose master password is empty). */
  empty: boolean;
}

function split(s: string): [string, string] {
  const i = s.indexOf('/');
  if (i <= 0 || i === s.length - 1) throw new UsageError(`"${s}" is not a keyring reference`, 'write it as service/account, e.g. ssot/chronos');
  return [s.slice(0, i), s.slice(i + 1)];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * `ssot keyring set service/account [--empty]`: the value comes from a hidden
 * prompt or stdin, never the command line; `--empty` stores the empty string
 * (a vault whose master password is empty), which is otherwise refused as a slip.
 */
export async function set(ctx: CommandContext, opts: KeyringSetOptions): Promise<number> {
  const [service, account] = split(opts.ref);
  const empty = opts.empty;
  const value = empty ? '' : process.stdin.isTTY ? await promptHidden(`value for ${service}/${account}: `) : await readStdin();
  if (!value && !empty) throw new UsageError('empty value: nothing stored', 'for a vault whose master password is empty, pass --empty');
  const store = await defaultSecretStore(ctx.env);
  await store.set(service, account, value);
  const why = store.kind === 'file' && ctx.env['SSOT_KEYRING'] !== 'file' ? ` (no OS keyring answered${process.platform === 'linux' ? ': no Secret Service on this session' : ''})` : '';
  ctx.out.info(`stored ${service}/${account} in ${store.where}${why}`);
  ctx.out.emit({ type: 'keyring', action: 'set', ref: `${service}/${account}`, store: store.kind, where: store.where });
  return 0;
}

export async function remove(ctx: CommandContext, opts: KeyringOptions): Promise<number> {
  const [service, account] = split(opts.ref);
  const store = await defaultSecretStore(ctx.env);
  await store.delete(service, account);
  ctx.out.info(`removed ${service}/${account} from ${store.where}`);
  return 0;
}
