import { DB_SCHEMA_VERSION } from './metadata.ts';

/**
 * Trivy's default pull order; `--db-repository` replaces it. Kept apart from the downloader so that `--help` texts
 * can name the defaults without loading it.
 */
export const DEFAULT_DB_REPOSITORIES: readonly string[] = [
  `mirror.gcr.io/aquasec/trivy-db:${DB_SCHEMA_VERSION}`,
  `ghcr.io/aquasecurity/trivy-db:${DB_SCHEMA_VERSION}`,
];
