import { XMLValidator } from 'fast-xml-parser';

/**
 * The check Confluence makes of a storage-format body before it stores it:
 * well-formed XML (with the ac:, ri: and at: namespaces declared), and no
 * named HTML entity, which storage format does not declare.
 */

const NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"';

/** Confluence's message for a body it refuses; undefined when the body is accepted. */
export function badStorage(value: string): string | undefined {
  // fast-xml-parser 5 marks its validator deprecated in favour of a separate package; this one is the
  // validator the converter's tests pin, and moving is a dependency change of its own.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const v = XMLValidator.validate(`<root ${NS}>${value}</root>`, { allowBooleanAttributes: false });
  if (v !== true) return `Error parsing xhtml: ${v.err.msg} (line ${v.err.line}, column ${v.err.col})`;
  const ent = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)[A-Za-z][A-Za-z0-9]*;/.exec(value.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
  if (ent) return `Error parsing xhtml: undeclared entity ${ent[0]}`;
  return undefined;
}
