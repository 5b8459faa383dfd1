import { UserFacingError } from '../../util/errors.ts';

/** Docker Hub's API host: where `nginx`, `docker.io/x` and `index.docker.io/x` all live. */
export const DOCKER_HUB_REGISTRY = 'index.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A fully qualified image or artifact reference: registry host (with port), repository path, tag and/or digest. */
export interface Reference {
  readonly registry: string;
  readonly repository: string;
  /** Absent only when the reference names a digest without a tag. */
  readonly tag?: string;
  readonly digest?: string;
}

export class InvalidReferenceError extends UserFacingError {
  readonly input: string;

  constructor(input: string, reason: string) {
    super(`invalid image reference "${input}": ${reason}`, {
      hint: 'use the form [registry[:port]/]repository[:tag][@sha256:digest], e.g. ghcr.io/aquasecurity/trivy-db:2',
    });
    this.input = input;
  }
}

// Grammar from the distribution reference spec: lowercase path components separated by '/', each made of
// alphanumerics joined by '.', '_', '__' or runs of '-'.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const MAX_NAME_LENGTH = 255;

export interface ParseReferenceOptions {
  /** Tag used when the input has neither tag nor digest (`latest` for images, `2` for the Trivy DB). */
  defaultTag?: string;
}

/**
 * Parses `nginx:1.14`, `docker.io/library/nginx`, `127.0.0.1:5000/trivy-db:2`, `ghcr.io/x/y@sha256:…`.
 * Docker Hub names are normalised the way the Docker CLI does: the host becomes `index.docker.io` and
 * single-component repositories get the `library/` prefix.
 */
export function parseReference(input: string, options: ParseReferenceOptions = {}): Reference {
  const defaultTag = options.defaultTag ?? 'latest';
  if (input.length === 0) throw new InvalidReferenceError(input, 'it is empty');
  if (input !== input.trim()) throw new InvalidReferenceError(input, 'it contains surrounding whitespace');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw new InvalidReferenceError(input, `"${digest}" is not a sha256/sha512 digest`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, `"${tag}" is not a valid tag`);
  }

  let registry: string;
  let repository: string;
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  if (firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    repository = rest.slice(firstSlash + 1);
    validateRegistry(input, registry);
  } else {
    registry = DOCKER_HUB_REGISTRY;
    repository = rest;
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB_REGISTRY;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }

  if (repository.length === 0) throw new InvalidReferenceError(input, 'the repository name is empty');
  if (repository.length > MAX_NAME_LENGTH)
    throw new InvalidReferenceError(input, 'the repository name is too long');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        input,
        `repository component "${component}" must be lowercase letters, digits and separators (. _ __ -)`,
      );
    }
  }

  if (tag === undefined && digest === undefined) tag = defaultTag;
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

function validateRegistry(input: string, registry: string): void {
  let host = registry;
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(registry);
  if (bracketed) {
    checkPort(input, bracketed[2]);
    return;
  }
  const portAt = registry.lastIndexOf(':');
  if (portAt >= 0) {
    checkPort(input, registry.slice(portAt + 1));
    host = registry.slice(0, portAt);
  }
  if (!host.split('.').every((part) => DOMAIN_COMPONENT.test(part))) {
    throw new InvalidReferenceError(input, `"${registry}" is not a valid registry host`);
  }
}

function checkPort(input: string, port: string | undefined): void {
  if (port === undefined) return;
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535)
    throw new InvalidReferenceError(input, `"${port}" is not a port`);
}

/** What to ask the registry for in `/v2/<repo>/manifests/<identifier>`: the digest when pinned, else the tag. */
export function manifestIdentifier(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The canonical string: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}
