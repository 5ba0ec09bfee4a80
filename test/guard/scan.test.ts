import { describe, expect, it } from 'vitest';
import type { ReadResult } from '../../src/guard/git.js';
import { scanTargets } from '../../src/guard/scan.js';
import { scanRules, scanRulesInBytes } from '../../src/guard/scan-rules.js';
import { join, rand } from './helpers.js';

const read = (path: string, content: Buffer, extra: Partial<ReadResult['targets'][number]> = {}): ReadResult => ({
  root: '/r',
  targets: [{ path, bytes: content, binary: false, fromStart: true, ...extra }],
  skipped: [],
  notes: [],
  paths: [path],
});

describe('scanning bytes', () => {
  it('gives character columns on lines with multi-byte characters', () => {
    const token = join('gh', 'p_', rand(36));
    const r = scanTargets(read('a.md', Buffer.from(`première ligne\nclé « ${token} » fin\n`)));
    expect(r.findings).toMatchObject([{ line: 2, column: 7, rule: 'github-token' }]);
  });

  it('finds the same secrets in a string and in its bytes', () => {
    const text = `naïve = 1\npassword = "${rand(18)}"\nkey: ${join('AK', 'IA', rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'))}\n`;
    const fromString = scanRules(text).map((h) => [h.rule, h.secret]);
    const fromBytes = scanRulesInBytes(Buffer.from(text), 'utf8').map((h) => [h.rule, h.secret]);
    expect(fromBytes).toEqual(fromString);
    expect(fromBytes).toHaveLength(2);
  });

  it('reads added lines from a diff (with their +) at their file line numbers and columns', () => {
    const token = join('gh', 'p_', rand(36));
    const bytes = Buffer.from(`+x = 1\n+token: ${token}\n`);
    const r = scanTargets(read('b.yml', bytes, { lineNumbers: Int32Array.from([10, 11]), linePrefix: 1, fromStart: false }));
    expect(r.findings).toMatchObject([{ line: 11, column: 8 }]);
  });

  it('scans UTF-16 text with a byte-order mark', () => {
    const token = join('gh', 'p_', rand(36));
    const body = Buffer.from(`token = ${token}\n`, 'utf16le');
    const r = scanTargets(read('w.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), body]), { binary: true }));
    expect(r.findings.map((f) => f.rule)).toEqual(['github-token']);
    expect(r.notes).toEqual(['w.txt: UTF-16 text']);
  });
});
