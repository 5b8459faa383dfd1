/**
 * The parts of an image report that depend on the image alone — its finding lists and its SBOM — are built once per
 * image findings and shared by the reports of every container that runs the image (1,000 workloads over 100 images
 * make 17 containers per image on average). Their JSON is then produced once as well, for the size budget and the
 * content hash, instead of once per container and per reconcile. Shared parts are never mutated: budget cuts and
 * cache slimming make copies. The JSON lives as long as the part, which lives as long as the image's findings.
 */
const shared = new WeakSet<object>();
const texts = new WeakMap<object, { json: string; bytes: number }>();
const encoder = new TextEncoder();

/** Marks `part` as shared between reports (and never to be changed). */
export function share<T extends object>(part: T): T {
  shared.add(part);
  return part;
}

export function isShared(part: unknown): part is object {
  return typeof part === 'object' && part !== null && shared.has(part);
}

/** The JSON of a shared part and its UTF-8 length, computed once. */
export function sharedJson(part: object): { json: string; bytes: number } {
  let text = texts.get(part);
  if (!text) {
    const json = JSON.stringify(part);
    // ASCII is the common case: one byte per code unit.
    // eslint-disable-next-line no-control-regex
    const bytes = /[^\x00-\x7f]/.test(json) ? encoder.encode(json).length : json.length;
    text = { json, bytes };
    texts.set(part, text);
  }
  return text;
}
