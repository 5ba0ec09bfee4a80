import { XMLValidator } from 'fast-xml-parser';

/**
 * The check Confluence makes of a storage-format body before it stores it:
 * well-formed XML (with the ac:, ri: and at: namespaces declared), and no
 * named HTML entity, which storage format does not declare.
 */

const NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"';

/** Confluence's message for a body it refuses; undefined when the body is accepted. */
export function badStorage(value: string): string | undefined {
  const v = XMLValidator.validate(`<root ${NS}>${value}</root>`, { allowBooleanAttributes: false });
  if (v !== true) return `Error parsing xhtml: ${v.err.msg} (line ${v.err.line}, column ${v.err.col})`;
  const ent = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)[A-Za-z][A-Za-z0-9]*;/.exec(value.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
  if (ent) return `Error parsing xhtml: undeclared entity ${ent[0]}`;
  return undefined;
}
