/**
 * The decrypted XML inside a KDBX file, for tests that look at what was
 * written: protected values shown in plain text (ProtectInMemory="True").
 */
import { openContainer } from '../../src/vault/kdbx/format/container.js';
import { compositeOf, parseXml } from '../../src/vault/kdbx/io.js';
import * as kdbxweb from '../../src/vault/kdbx/kdbxweb.js';
import { toCredentials, type VaultKey } from '../../src/vault/kdbx/key.js';

export async function plainXml(bytes: Uint8Array, key: VaultKey): Promise<string> {
  const c = await openContainer(bytes, await compositeOf(await toCredentials(key, 'test')));
  const doc = parseXml(c.xml);
  const salts = await kdbxweb.ProtectSaltGenerator.create(c.header.protectedStreamKey!, c.header.crsAlgorithm!);
  kdbxweb.XmlUtils.setProtectedValues(doc.documentElement, salts);
  kdbxweb.XmlUtils.unprotectValues(doc.documentElement);
  return kdbxweb.XmlUtils.serialize(doc);
}

/** The XML text of the element of each entry (not in history) or group, by UUID, whitespace between elements removed. */
export function elementsByUuid(xml: string, tag: 'Entry' | 'Group'): Map<string, string> {
  const doc = parseXml(xml);
  const out = new Map<string, string>();
  const walk = (n: Element, inHistory: boolean): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const el = c as Element;
      if (el.tagName === tag && !inHistory) {
        const uuid = [...Array.from(el.childNodes)].find((x) => (x as Element).tagName === 'UUID')?.textContent ?? '';
        out.set(uuid, kdbxweb.XmlUtils.serialize(el as unknown as Document).replace(/>\s+</g, '><'));
      }
      walk(el, inHistory || el.tagName === 'History');
    }
  };
  walk(doc.documentElement, false);
  return out;
}
