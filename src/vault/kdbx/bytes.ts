/** Copies a view into its own ArrayBuffer: a Node Buffer may share a larger pool, and kdbxweb wants a whole ArrayBuffer. */
export function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(view.byteLength);
  new Uint8Array(out).set(view);
  return out;
}
