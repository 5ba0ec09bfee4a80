/**
 * vitest's asymmetric matchers, typed for use inside an expected object.
 *
 * vitest declares `expect.stringContaining` and its kin as returning `any`, so each one written as a
 * property of an expected object is an unsafe assignment to the type checker. These are the same
 * matchers, returning `unknown`: a thing to compare with, never a value a test may use. As the whole
 * expected value (`toEqual(expect.stringContaining(…))`) or an element of an expected array,
 * vitest's own are fine.
 */
import { expect } from 'vitest';

export function stringContaining(text: string): unknown {
  return expect.stringContaining(text);
}

export function stringMatching(pattern: string | RegExp): unknown {
  return expect.stringMatching(pattern);
}

export function objectContaining(shape: Record<string, unknown>): unknown {
  return expect.objectContaining(shape);
}
