import type { OperatingSystem } from '../../inventory.ts';

/**
 * Folds one more OS guess into what earlier files and lower layers said, as Trivy does:
 * - a Debian or Red Hat guess is provisional: derivatives ship `etc/debian_version` (Ubuntu) or
 *   `etc/redhat-release` (CentOS, Oracle, …), so any later guess replaces it outright;
 * - otherwise the first non-empty family and name stay, and the Ubuntu ESM flag is OR-ed in
 *   (ESM status and the release live in different files).
 * One deliberate difference: a guess for another family never fills in a missing name (Trivy would take
 * `bookworm/sid` from `etc/debian_version` as the name of an Ubuntu known so far only from its ESM status,
 * depending on the order its analyzers finish in).
 * Returns a new object; inputs are not modified.
 */
export function mergeOs(
  current: OperatingSystem | undefined,
  next: OperatingSystem | undefined,
): OperatingSystem | undefined {
  if (next === undefined || isEmpty(next)) return current;
  if (current === undefined || current.Family === 'debian' || current.Family === 'redhat') return { ...next };
  if (current.Family !== '' && next.Family !== '' && current.Family !== next.Family) return current;
  const merged: OperatingSystem = {
    ...current,
    Family: current.Family === '' ? next.Family : current.Family,
    Name: current.Name === '' ? next.Name : current.Name,
  };
  if (current.Extended === true || next.Extended === true) merged.Extended = true;
  return merged;
}

/** Merges guesses in order (files of one layer, then layers bottom to top). */
export function mergeOsGuesses(guesses: Iterable<OperatingSystem | undefined>): OperatingSystem | undefined {
  let merged: OperatingSystem | undefined;
  for (const guess of guesses) merged = mergeOs(merged, guess);
  return merged;
}

function isEmpty(os: OperatingSystem): boolean {
  return os.Family === '' && os.Name === '' && os.Extended !== true && os.EOSL !== true;
}
