import { XMLValidator, type ValidationError } from 'fast-xml-parser';

/**
 * Whether `doc` is well-formed XML (true), or where it is not: fast-xml-parser's validator, the one
 * the product's storage checks use (src/docs/storage/structures.ts), so the tests judge by the same
 * rules. fast-xml-parser 5 deprecates it in favour of a separate package; moving the product and its
 * tests together is a dependency change of its own, and this is the one place the tests would change.
 */
export function checkXml(doc: string): true | ValidationError {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the validator the product uses; see above
  return XMLValidator.validate(doc);
}
