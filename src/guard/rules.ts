import { shannon } from './entropy.js';
import type { Rule } from './rule-kit.js';
import { CONTEXT_RULES } from './rules-context.js';
import { KEY_RULES } from './rules-keys.js';
import { PROVIDER_RULES } from './rules-providers.js';

export type { Rule, RuleHit } from './rule-kit.js';

/**
 * Every rule, in the order findings are preferred at one position: provider
 * formats and keys first, then the rules that read the code around a match.
 */
export const RULES: readonly Rule[] = [...PROVIDER_RULES, ...KEY_RULES, ...CONTEXT_RULES];

/** The rules for files no person wrote and for binary files: distinctive formats only. */
export const FORMAT_RULES: readonly Rule[] = RULES.filter((r) => !r.contextual);

/** For a rule that matched, is the secret acceptable? Shared checks: entropy, placeholders. */
export function acceptSecret(rule: Rule, secret: string, m: RegExpExecArray, text: string): boolean {
  if (rule.entropy !== undefined && shannon(secret) < rule.entropy) return false;
  if (/x{6,}|X{6,}|\*{4,}/.test(secret)) return false;
  if (rule.check && !rule.check(secret, m, text)) return false;
  return true;
}
