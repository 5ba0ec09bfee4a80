/**
 * A full xmldom DOM of KDBX XML, failing on any error: for tests and tools
 * that look at what was written. Opening a database uses lossless/parse.ts.
 */
import { DOMParser } from '@xmldom/xmldom';
import { corrupt } from './format/errors.js';

export function parseXml(xml: string): Document {
  const fail = (e: unknown): never => {
    throw corrupt(`its XML is not well-formed (${String(e instanceof Error ? e.message : e).replace(/\n[\s\S]*/, '')})`);
  };
  const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'application/xml');
  // Typed as always there, but a document of blanks or only a prolog has none.
  const root = doc.documentElement as Element | null;
  if (!root) fail('no root element');
  return doc;
}
