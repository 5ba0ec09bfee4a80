/** Hostile or careless configs, shared by the parser's tests (hostile.test.ts) and the CLI's (hostile.e2e.test.ts). */

/** "Billion laughs": each alias expands to nine of the one before, 9^9 strings in all. */
export function aliasBomb(): string {
  let text = 'vaults: []\nguard:\n  blockPaths: &a ["x","x","x","x","x","x","x","x","x"]\n  ignorePaths: []\nbomb:\n';
  let prev = 'a';
  for (const c of 'bcdefghi') {
    text += `  ${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = c;
  }
  return text;
}

export const longName = `vaults:\n  - name: ${'a'.repeat(1_000_000)}\n    path: x.kdbx\n    password: { env: X }\n`;
export const duplicates = `vaults:
  - name: chronos
    path: a.kdbx
    password: { env: X }
  - name: chronos
    path: b.kdbx
    password: { env: X }
`;
