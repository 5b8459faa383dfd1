/** Version-control internals are never part of what a project ships. */
const skippedEverywhere: ReadonlySet<string> = new Set(['.git']);
/** Kernel pseudo-filesystems: only meaningful (and dangerous to read) at the root of a scanned system. */
const skippedAtRoot: ReadonlySet<string> = new Set(['proc', 'sys', 'dev']);

/** Whether a directory scan leaves out the directory `name` found in `parent` (`''` for the scanned root). */
export function isSkippedDirectory(parent: string, name: string): boolean {
  return skippedEverywhere.has(name) || (parent === '' && skippedAtRoot.has(name));
}
