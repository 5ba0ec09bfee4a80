import { describe, expect, it } from 'vitest';
import { guessBits, shannon } from '../../src/guard/entropy.js';

describe('entropy', () => {
  it('Shannon entropy is per character: two distinct equally likely characters give 1 bit, whatever their UTF-16 width', () => {
    expect(shannon('abab')).toBeCloseTo(1, 10);
    expect(shannon('🔑🗝🔑🗝')).toBeCloseTo(1, 10);
    expect(shannon('aaaa')).toBe(0);
    expect(shannon('🔑🔑🔑🔑')).toBe(0);
    expect(shannon('')).toBe(0);
  });

  it('a value of emoji counts its characters as a person typed them', () => {
    expect(guessBits('🔑🔑🔑🔑🔑🔑🔑🔑')).toBeLessThan(guessBits('🔑🗝🔒🔓🛡🧷📎🖇'));
  });
});
