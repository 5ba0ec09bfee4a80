/** Every key the config schema knows, for "did you mean" on a typo. */
const KNOWN_KEYS = [
  'vaults', 'name', 'path', 'password', 'keyFile', 'copies', 'git', 'repo', 'remote', 'branch', 'gdrive', 'folder',
  'folderId', 'fileId', 'require', 'entries', 'attachments', 'entry', 'backups', 'keep', 'auth', 'clientId',
  'clientSecret', 'refreshToken', 'accessToken', 'scope', 'rootUrl', 'tokenUrl', 'confluence', 'baseUrl', 'email', 'token',
  'space', 'docs', 'root', 'mapping', 'exclude', 'mermaid', 'mermaidMacro', 'jira', 'project', 'storyPointsField',
  'issueType', 'tickets', 'notes', 'confirmAbove', 'guard', 'blockPaths', 'baseline', 'ignorePaths', 'maxFileBytes',
  'watch', 'debounceMs', 'pollRemotesMinutes', 'rclone', 'config', 'configPass', 'env', 'keyring', 'vault', 'field', 'file', 'prompt',
];

export function nearest(word: string, candidates: readonly string[] = KNOWN_KEYS): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Damerau-style edit distance (adjacent swaps count 1). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
