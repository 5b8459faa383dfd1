import { z } from 'zod';
import { DB_SCHEMA_VERSION } from '../../scanner/db/download/index.ts';
import { formatReference, parseReference } from '../../scanner/registry/reference.ts';
import { UserFacingError } from '../../util/errors.ts';
import type { SourceReader } from './source-reader.ts';
import { checkRegistryHost, normaliseRegistryHost, registryHost, splitList } from './values.ts';

/** The registry keys of the trivy config: DB repositories, insecure and plain-HTTP registries, mirrors. */

const DB_EXAMPLE = 'mirror.gcr.io/aquasec/trivy-db:2';

/** `trivy.dbRepository`: a comma list, each given the DB schema as tag (`:2`) when it has none, as Trivy does. */
export const dbRepositories = z.string().transform((text, context) =>
  splitList(text).flatMap((item) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) {
      const message = `${JSON.stringify(item)} must be a repository without scheme, e.g. ${DB_EXAMPLE}`;
      context.addIssue({ code: 'custom', message });
      return [];
    }
    try {
      return [formatReference(parseReference(item, { defaultTag: String(DB_SCHEMA_VERSION) }))];
    } catch (error) {
      const reason = error instanceof UserFacingError ? error.message : String(error);
      context.addIssue({ code: 'custom', message: `${reason}; use e.g. ${DB_EXAMPLE}` });
      return [];
    }
  }),
);

/** `trivy.insecureRegistry.<id>: host` entries: the ids are free names, the values are what counts. */
export function registrySet(r: SourceReader, prefix: string): readonly string[] {
  const hosts = new Set<string>();
  for (const key of r.keysWithPrefix(prefix)) {
    const host = r.optional(key, registryHost);
    if (host !== undefined) hosts.add(host);
  }
  return [...hosts].sort();
}

/** A mirror: `host[:port]`, or with a path prefix as a Harbor proxy-cache project (`harbor.local/dockerhub`). */
const mirrorTarget = z.string().transform((text, context) => {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const problem = checkRegistryHost(host);
  if (problem !== undefined) {
    context.addIssue({
      code: 'custom',
      message: `${problem}; give the mirror as host[:port] or host[:port]/path`,
    });
    return z.NEVER;
  }
  return normaliseRegistryHost(host) + (slash < 0 ? '' : text.slice(slash).replace(/\/+$/, ''));
});

/** `trivy.registry.mirror.<registry>: mirror`, keyed by the normalised registry host. */
export function readMirrors(r: SourceReader): Readonly<Record<string, readonly string[]>> {
  const prefix = 'trivy.registry.mirror.';
  const mirrors: Array<[string, string[]]> = [];
  for (const key of r.keysWithPrefix(prefix)) {
    const registry = key.slice(prefix.length);
    const problem = checkRegistryHost(registry);
    if (problem !== undefined) {
      r.raw(key);
      r.error(key, `names the registry ${problem.replace(/ is not /, ', which is not ')}`);
      continue;
    }
    const mirror = r.optional(key, mirrorTarget);
    if (mirror !== undefined) mirrors.push([normaliseRegistryHost(registry), [mirror]]);
  }
  return Object.fromEntries(mirrors);
}
