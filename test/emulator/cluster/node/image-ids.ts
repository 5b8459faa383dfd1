import { createHash } from 'node:crypto';

export interface ImageIdentity {
  /** The normalised reference the runtime reports in `containerStatuses[].image`. */
  image: string;
  /** `<repository>@sha256:<digest>`, as containerd reports in `containerStatuses[].imageID`. */
  imageID: string;
}

/** Splits `registry/repo:tag@digest` and fills in Docker Hub's defaults, like containerd's normaliser. */
export function normaliseImage(ref: string): { repository: string; tag?: string; digest?: string } {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = hasRegistry ? rest : `docker.io/${rest}`;
  if (!hasRegistry && parts.length === 1) repository = `docker.io/library/${rest}`;
  if (!tag && !digest) tag = 'latest';
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Resolves what the runtime reports for an image: the digest from the configured map (keys may be written as in
 * the Pod spec or normalised), else the digest inside the reference, else a stable made-up digest of the reference.
 */
export function imageIdentity(ref: string, digests: Readonly<Record<string, string>>): ImageIdentity {
  const { repository, tag, digest } = normaliseImage(ref);
  const normalised = `${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  const configured = digests[ref] ?? digests[normalised];
  const chosen = configured ?? digest ?? `sha256:${createHash('sha256').update(normalised).digest('hex')}`;
  const withAlgorithm = chosen.includes(':') ? chosen : `sha256:${chosen}`;
  return { image: normalised, imageID: `${repository}@${withAlgorithm}` };
}
