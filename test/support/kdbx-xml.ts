/**
 * The decrypted XML inside a KDBX file, for tests that look at what was
 * written: protected values shown in plain text (ProtectInMemory="True").
 */
import { openContainer } from '../../src/vault/kdbx/format/container.js';
import { compositeOf } from '../../src/vault/kdbx/io.js';
import { parseXml } from '../../src/vault/kdbx/xml-dom.js';
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

/**
 * The XML of each entry (with its history) and of each group (without its
 * child groups and entries), by UUID, whitespace between elements removed:
 * what must stay identical for what no side touched.
 */
export function ownElements(xml: string): Map<string, string> {
  const doc = parseXml(xml);
  const out = new Map<string, string>();
  const uuidOf = (el: Element): string => Array.from(el.childNodes).find((x) => (x as Element).tagName === 'UUID')?.textContent ?? '';
  const walk = (n: Element): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const el = c as Element;
      if (el.tagName === 'Entry') {
        out.set(`entry ${uuidOf(el)}`, kdbxweb.XmlUtils.serialize(el as unknown as Document).replace(/>\s+</g, '><'));
      } else if (el.tagName === 'Group') {
        const own = el.cloneNode(true) as Element;
        for (const k of Array.from(own.childNodes)) if ((k as Element).tagName === 'Group' || (k as Element).tagName === 'Entry') own.removeChild(k);
        out.set(`group ${uuidOf(el)}`, kdbxweb.XmlUtils.serialize(own as unknown as Document).replace(/>\s+</g, '><'));
        walk(el);
      } else if (el.tagName === 'Root' || el.tagName === 'KeePassFile') {
        walk(el);
      }
    }
  };
  walk(doc.documentElement);
  return out;
}

/**
 * A KDBX file holding `xml` as another writer would have written it: the
 * container (version, cipher, KDF, key) of `template`, values marked
 * ProtectInMemory="True" encrypted as protected values. For tests that need
 * what ssot itself never writes (missing elements, unknown ones, odd values).
 */
export async function sealXml(xml: string, key: VaultKey, template: Uint8Array): Promise<Uint8Array> {
  const { renewHeader, sealContainer } = await import('../../src/vault/kdbx/format/container.js');
  const { createHash } = await import('node:crypto');
  const composite = await compositeOf(await toCredentials(key, 'test'));
  const c = await openContainer(template, composite);
  const headerBytes = renewHeader(c.header);
  const hash = createHash('sha256').update(headerBytes).digest('base64');
  const doc = parseXml(xml.replace(/<HeaderHash>[^<]*<\/HeaderHash>/, `<HeaderHash>${hash}</HeaderHash>`));
  kdbxweb.XmlUtils.protectPlainValues(doc.documentElement);
  const salts = await kdbxweb.ProtectSaltGenerator.create(c.header.protectedStreamKey!, c.header.crsAlgorithm!);
  kdbxweb.XmlUtils.updateProtectedValuesSalt(doc.documentElement, salts);
  return sealContainer(c.header, headerBytes, composite, kdbxweb.XmlUtils.serialize(doc), c.binaries);
}
