import { basename } from 'node:path';
import type { Container } from '../kube-types.ts';
import { normaliseImage } from './image-ids.ts';

export interface CommandRules {
  /** The project's own image, e.g. `ghcr.io/trivy-ts/trivy-ts:dev`; without a tag, any tag of the repository. */
  ownImage: string;
  /** Our CLI on the host (`bin/trivy-ts` of this checkout). */
  cliPath: string;
  /**
   * Test-only: container commands run as host programs, by exact command or its base name,
   * e.g. `{ sleep: '/bin/sleep', sh: '/bin/sh' }`. Nothing else on the host is reachable.
   */
  hostCommands: Readonly<Record<string, string>>;
}

/** Command names that mean our CLI inside the image. */
const CLI_NAMES = new Set(['trivy-ts', 'trivy']);

export function isOwnImage(image: string | undefined, ownImage: string): boolean {
  if (!image) return false;
  const want = normaliseImage(ownImage);
  const have = normaliseImage(image);
  if (have.repository !== want.repository) return false;
  const ownHasVersion = /[:@][^/]*$/.test(ownImage.slice(ownImage.lastIndexOf('/') + 1));
  return !ownHasVersion || (have.tag === want.tag && have.digest === want.digest);
}

export type ResolvedCommand = { argv: [string, ...string[]] } | { error: string };

/**
 * Maps a container's command to a host program. The image's entrypoint is our CLI, so no `command` runs the CLI
 * with `args`; a `command` whose first word is `trivy-ts` or `trivy` (any directory, e.g. `/usr/local/bin/trivy-ts`)
 * runs the CLI with the remaining words then `args`; a first word listed in `hostCommands` runs that host
 * program. Anything else cannot start, like an executable missing from the image.
 */
export function resolveCommand(container: Container, rules: CommandRules): ResolvedCommand {
  const command = container.command ?? [];
  const args = container.args ?? [];
  const first = command[0];
  if (first === undefined) return { argv: [rules.cliPath, ...args] };
  if (CLI_NAMES.has(basename(first))) return { argv: [rules.cliPath, ...command.slice(1), ...args] };
  const host = rules.hostCommands[first] ?? rules.hostCommands[basename(first)];
  if (host) return { argv: [host, ...command.slice(1), ...args] };
  return {
    error:
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: ' +
      `unable to start container process: exec: "${first}": executable file not found in $PATH: unknown`,
  };
}
