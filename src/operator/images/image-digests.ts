import { RegistryClient } from '../../scanner/registry/client.ts';
import { staticCredentials, type BasicCredentials } from '../../scanner/registry/credentials.ts';
import { parseReference } from '../../scanner/registry/reference.ts';
import type { Logger } from '../../util/logger.ts';

const digestPattern = /@(sha256:[a-f0-9]{64})$/;

/**
 * The manifest digest a container runs, from `status.containerStatuses[].imageID`: containerd and CRI-O report
 * `repo@sha256:…` (with Docker a `docker-pullable://repo@sha256:…`). A bare `sha256:…` is an image config ID (an
 * image built on the node), which no registry serves: undefined then, and the registry is asked instead.
 */
export function digestFromImageId(imageId: string | undefined): string | undefined {
  return imageId ? digestPattern.exec(imageId)?.[1] : undefined;
}

/** The digest pinned in an image reference (`repo:tag@sha256:…`), if any. */
export function pinnedDigest(image: string): string | undefined {
  return digestPattern.exec(image)?.[1];
}

export interface TagLookup {
  credentials?: BasicCredentials;
  insecure: boolean;
}

/**
 * Tag → digest through the registry, for workloads without a running Pod (a CronJob between runs, a Deployment
 * scaled to zero). Answers are cached for a while so a thousand workloads on one tag cost one registry request.
 */
export class TagResolver {
  readonly #cache = new Map<string, { digest: string; at: number } | Promise<string>>();
  readonly #ttlMs: number;
  readonly #logger: Logger;

  constructor(options: { ttlMs: number; logger: Logger }) {
    this.#ttlMs = options.ttlMs;
    this.#logger = options.logger;
  }

  async resolve(image: string, lookup: TagLookup): Promise<string> {
    const cached = this.#cache.get(image);
    if (cached instanceof Promise) return cached;
    if (cached && Date.now() - cached.at < this.#ttlMs) return cached.digest;
    const pending = this.#fetch(image, lookup);
    this.#cache.set(image, pending);
    try {
      const digest = await pending;
      this.#cache.set(image, { digest, at: Date.now() });
      return digest;
    } catch (error) {
      this.#cache.delete(image);
      throw error;
    }
  }

  async #fetch(image: string, lookup: TagLookup): Promise<string> {
    const client = new RegistryClient({
      insecure: lookup.insecure,
      logger: this.#logger,
      ...(lookup.credentials ? { credentials: staticCredentials(lookup.credentials) } : {}),
    });
    try {
      return (await client.getManifest(parseReference(image))).digest;
    } finally {
      await client.close();
    }
  }
}
