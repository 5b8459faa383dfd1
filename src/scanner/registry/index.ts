export { RegistryClient } from './client.ts';
export type {
  BlobDescriptor,
  ManifestResponse,
  RegistryClientOptions,
  RepositoryLocation,
} from './client.ts';
export { parseChallenges } from './challenge.ts';
export type { AuthChallenge } from './challenge.ts';
export {
  chainCredentials,
  CredentialError,
  dockerConfigCredentials,
  staticCredentials,
} from './credentials.ts';
export type { BasicCredentials, CredentialStore, DockerConfigOptions } from './credentials.ts';
export { RegistryError } from './errors.ts';
export {
  descriptorSchema,
  imageIndexSchema,
  imageManifestSchema,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  MediaTypes,
} from './manifest.ts';
export type { Descriptor, ImageIndex, ImageManifest } from './manifest.ts';
export {
  DOCKER_HUB_REGISTRY,
  formatReference,
  InvalidReferenceError,
  manifestIdentifier,
  parseReference,
} from './reference.ts';
export type { ParseReferenceOptions, Reference } from './reference.ts';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs } from './retry.ts';
export type { RetryPolicy } from './retry.ts';
