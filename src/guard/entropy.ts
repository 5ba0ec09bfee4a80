/** Shannon entropy in bits per character (code point: an emoji is one character, not two UTF-16 units). */
export function shannon(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  let n = 0;
  for (const ch of s) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The size of the alphabet a string's characters are drawn from (digits, lower, upper, other). */
function charsetSize(s: string): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let other = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 48 && c <= 57) digit = true;
    else other = true;
  }
  return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
}

/**
 * A rough estimate of how many bits of guessing a value resists: the smaller of
 * "length x log2(alphabet)" and "length x Shannon entropy", lowered for the
 * shapes people choose (a word, digits, a symbol). It is deliberately
 * pessimistic: it only decides what is safe to index, never what is reported.
 */
export function guessBits(s: string): number {
  // Characters are code points: a value's length is what a person typed, not its UTF-16 units.
  const n = Array.from(s).length;
  if (n === 0) return 0;
  let bits = n * Math.log2(Math.max(2, charsetSize(s)));
  // Many repeated characters: the alphabet overstates it; Shannon entropy is the better bound.
  if (new Set(s).size < n / 2) bits = Math.min(bits, n * Math.max(1, shannon(s)));
  // "Summer2024!", "password1", "Hunter22": a capitalised word, some digits, maybe a symbol.
  const m = /^([A-Za-z]+)(\d*)([^A-Za-z0-9]?)$/.exec(s) ?? /^(\d*)([A-Za-z]+)(\d*)([^A-Za-z0-9]?)$/.exec(s);
  if (m) bits = Math.min(bits, 24 + 3.3 * s.replace(/[^0-9]/g, '').length + (/[^A-Za-z0-9]/.test(s) ? 5 : 0));
  // Long runs of one character or a keyboard walk carry little.
  if (/(.)\1{3,}/.test(s)) bits -= 10;
  if (/(?:0123|1234|2345|3456|4567|5678|6789|abcd|qwer|asdf|zxcv)/i.test(s)) bits -= 10;
  return Math.max(0, bits);
}
