import { UserFacingError } from '../util/errors.ts';

/**
 * Parsers for option values that several commands share. Kept light (no scanner code): the commands import it when
 * they are built, for `--help` too.
 */

/** commander's collector for a repeatable option: `--x a --x b` → `['a', 'b']`. */
export const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `--exit-code` and the like: an integer a process can exit with. */
export function parseExitCode(text: string, flag = '--exit-code'): number {
  const code = Number(text);
  if (!Number.isInteger(code) || code < 0 || code > 255)
    throw new UserFacingError(`${flag} must be an integer from 0 to 255`);
  return code;
}

/** `--registry-mirror HOST=MIRROR`, repeatable: registry host → mirrors tried first, in order. */
export function parseRegistryMirrors(entries: readonly string[] | undefined): Record<string, string[]> {
  const mirrors: Record<string, string[]> = {};
  for (const entry of entries ?? []) {
    const [host, mirror] = entry.split('=');
    if (!host || !mirror)
      throw new UserFacingError(`--registry-mirror ${entry}: expected HOST=MIRROR`, {
        hint: 'e.g. index.docker.io=mirror.gcr.io',
      });
    (mirrors[host] ??= []).push(mirror);
  }
  return mirrors;
}
