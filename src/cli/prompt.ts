import { createInterface } from 'node:readline';

/** Ask on the terminal without echoing what is typed (passwords, tokens). */
export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  const stderr = process.stderr;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stdin, terminal: true, output: undefined });
    const wasRaw = stdin.isRaw;
    // Only a terminal has a raw mode (the type says every stdin has one; a pipe has not).
    if (stdin.isTTY) stdin.setRawMode(true);
    let value = '';
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new Error('interrupted'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      rl.close();
      stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/** A yes/no question; anything but y/yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((r) => rl.question(`${question} [y/N] `, r));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
