/**
 * The house size rule (issue 15), as a check: no function with more than 80
 * lines of its own, no file over 450 lines, in the shipped code and the
 * stand-ins. A function's own lines are its span less the named functions
 * inside it (a nested `function`, a method, or an arrow or function expression
 * bound to a name); inline callbacks count toward their parent, since that is
 * where a reader reads them. Where a procedure grows past the limit, its
 * steps become named functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

const MAX_FUNCTION = 80;
const MAX_FILE = 450;
const ROOTS = ['src', 'packages/standins/src'];

function sources(): string[] {
  return ROOTS.flatMap((root) =>
    readdirSync(path.join(REPO, root), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
      .map((e) => path.relative(REPO, path.join(e.parentPath, e.name))),
  );
}

type FunctionNode = ts.FunctionLikeDeclaration;

const isFunction = (n: ts.Node): n is FunctionNode =>
  ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);

/** A function a reader finds by its name, so it does not count toward the one around it. */
function isNamed(n: ts.Node): boolean {
  if (!isFunction(n)) return false;
  if (!ts.isArrowFunction(n) && !ts.isFunctionExpression(n)) return true;
  return ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent) || ts.isPropertyDeclaration(n.parent);
}

function nameOf(n: FunctionNode, sf: ts.SourceFile): string {
  if (n.name) return n.name.getText(sf);
  const p = n.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return p.name.getText(sf);
  return '(anonymous)';
}

/** Each function of a source text with its own line count. */
function functionSizes(file: string, text: string): { name: string; line: number; own: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line;
  const span = (n: ts.Node): number => lineOf(n.getEnd()) - lineOf(n.getStart(sf)) + 1;
  const out: { name: string; line: number; own: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunction(n)) {
      let nested = 0;
      const inner = (m: ts.Node): void => {
        if (isNamed(m)) nested += span(m);
        else ts.forEachChild(m, inner);
      };
      ts.forEachChild(n, inner);
      out.push({ name: nameOf(n, sf), line: lineOf(n.getStart(sf)) + 1, own: span(n) - nested });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('the size rule', () => {
  const files = sources().map((f) => ({ file: f, text: readFileSync(path.join(REPO, f), 'utf8') }));

  it('sees the code base', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.file.startsWith('packages/standins/src/'))).toBe(true);
  });

  it(`no function has more than ${MAX_FUNCTION} lines of its own`, () => {
    const long = files.flatMap(({ file, text }) => functionSizes(file, text).filter((f) => f.own > MAX_FUNCTION).map((f) => `${file}:${f.line} ${f.name} (${f.own} lines)`));
    expect(long).toEqual([]);
  });

  it(`no file has more than ${MAX_FILE} lines`, () => {
    const big = files.map(({ file, text }) => ({ file, lines: text.split('\n').length })).filter((f) => f.lines > MAX_FILE).map((f) => `${f.file} (${f.lines} lines)`);
    expect(big).toEqual([]);
  });

  it('counts a nested named function apart and an inline callback with its parent', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      'function outer() {',
      '  let x = 0;',
      '  function helper() {',
      body(10),
      '  }',
      '  const named = () => {',
      body(5),
      '  };',
      '  [1].forEach(() => {',
      body(20),
      '  });',
      '  return x;',
      '}',
    ].join('\n');
    const sizes = functionSizes('probe.ts', text);
    // Its head, `let`, the callback's 22 lines, `return` and the closing brace; not helper's 12 or named's 7.
    expect(sizes.find((s) => s.name === 'outer')?.own).toBe(1 + 1 + 22 + 1 + 1);
    expect(sizes.find((s) => s.name === 'helper')?.own).toBe(12);
    expect(sizes.find((s) => s.name === 'named')?.own).toBe(7);
  });
});
