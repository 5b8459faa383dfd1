import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The trivy-ts version, from package.json. */
export const trivyTsVersion: string = packageJson.version;
