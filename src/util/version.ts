// Imported, not read from disk relative to this file, so that the bundle (`npm run build`) carries it too.
import packageJson from '../../package.json' with { type: 'json' };

/** The trivy-ts version, from package.json. */
export const trivyTsVersion: string = packageJson.version;
