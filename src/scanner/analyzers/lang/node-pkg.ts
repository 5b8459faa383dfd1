import { AnalyzerError, type Analyzer } from '../types.ts';
import {
  baseName,
  isRecord,
  languagePackage,
  parseJson,
  singleApplication,
  stringField,
} from './language-package.ts';

const type = 'node-pkg';

/** Every `package.json` in an image, inside or outside `node_modules`: the installed package's own name, version, licence. */
export const nodePackageAnalyzer: Analyzer = {
  type,
  version: 1,
  required: (file) => baseName(file.path) === 'package.json',
  analyze({ path, content }) {
    let manifest: unknown;
    try {
      manifest = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(manifest)) return undefined;
    const name = stringField(manifest, 'name');
    const version = stringField(manifest, 'version');
    // Workspaces and app roots often omit one of them; they are not installed packages.
    if (!name || !version) return undefined;
    return singleApplication(type, path, [
      languagePackage(type, { name, version, licenses: packageJsonLicenses(manifest), filePath: path }),
    ]);
  },
};

/** `license` as a string or `{ type }`, or the deprecated `licenses` array of either. */
function packageJsonLicenses(manifest: Record<string, unknown>): string[] {
  const entries = [
    manifest.license,
    ...(Array.isArray(manifest.licenses) ? manifest.licenses : [manifest.licenses]),
  ];
  const licenses: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') licenses.push(entry);
    else if (isRecord(entry) && typeof entry.type === 'string') licenses.push(entry.type);
  }
  return licenses;
}
