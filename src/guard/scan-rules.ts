import { acceptSecret, RULES, type Rule, type RuleHit } from './rules.js';

/**
 * Run every rule over a text. The text is lower-cased once for the keyword
 * prefilter; a rule's regex runs only when one of its keywords occurs.
 */
export function scanRules(text: string, rules: readonly Rule[] = RULES): RuleHit[] {
  const hits: RuleHit[] = [];
  if (text.length === 0) return hits;
  const lower = text.toLowerCase();
  for (const rule of rules) {
    if (rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k))) continue;
    if (rule.find) {
      rule.find(text, (h) => hits.push(h));
      continue;
    }
    const regex = rule.regex;
    if (!regex) continue;
    regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(text)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      const secret = m.groups?.['s'] ?? m[0];
      if (!acceptSecret(rule, secret, m, text)) continue;
      const rel = m[0].lastIndexOf(secret);
      hits.push({ rule: rule.id, index: m.index + (rel < 0 ? 0 : rel), secret });
    }
  }
  return dedupe(hits);
}

/** One finding per secret position: a provider rule wins over the generic one. */
function dedupe(hits: RuleHit[]): RuleHit[] {
  const byPos = new Map<number, RuleHit>();
  for (const h of hits) {
    const prev = byPos.get(h.index);
    if (!prev || (prev.rule === 'generic-secret' && h.rule !== 'generic-secret')) byPos.set(h.index, h);
  }
  // A generic hit inside a provider hit's span is the same secret.
  const provider = [...byPos.values()].filter((h) => h.rule !== 'generic-secret');
  const out: RuleHit[] = [];
  for (const h of byPos.values()) {
    if (h.rule === 'generic-secret' && provider.some((p) => overlaps(p, h))) continue;
    out.push(h);
  }
  return out.sort((a, b) => a.index - b.index);
}

function overlaps(a: RuleHit, b: RuleHit): boolean {
  return a.index < b.index + b.secret.length && b.index < a.index + a.secret.length;
}
