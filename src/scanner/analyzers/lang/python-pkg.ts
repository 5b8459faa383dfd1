import { AnalyzerError, type Analyzer } from '../types.ts';
import { languagePackage, singleApplication } from './language-package.ts';

const type = 'python-pkg';

/**
 * Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or `METADATA`, `EGG-INFO/PKG-INFO`,
 * and a bare `*.egg-info` file (old distutils installs write the metadata as one file).
 */
export const pythonPackageAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) =>
    /\.dist-info\/METADATA$/.test(path) ||
    /\.egg-info\/(PKG-INFO|METADATA)$/.test(path) ||
    /(^|\/)EGG-INFO\/PKG-INFO$/.test(path) ||
    path.endsWith('.egg-info'),
  analyze({ path, content }) {
    const headers = parseCoreMetadata(content);
    const name = headers.get('name')?.[0];
    const version = headers.get('version')?.[0];
    if (!name || !version) {
      throw new AnalyzerError(type, path, 'core metadata without Name or Version');
    }
    return singleApplication(type, path, [
      languagePackage(type, { name, version, licenses: metadataLicenses(headers), filePath: path }),
    ]);
  },
};

/**
 * Core metadata is an RFC 822 header block; the body after the first blank line is the long description and is
 * ignored. Continuation lines (leading whitespace) extend the previous header. Keys are case-insensitive.
 */
export function parseCoreMetadata(content: Buffer): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const text = content.toString('utf8');
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    if (/^[ \t]/.test(line) && lastKey) {
      const values = headers.get(lastKey);
      if (values && values.length > 0) values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = headers.get(lastKey) ?? [];
    values.push(value);
    headers.set(lastKey, values);
  }
  return headers;
}

/**
 * Licence, in Trivy's order of preference: `License-Expression` (PEP 639), then the `License` field when it is a
 * short name rather than a pasted licence text, then `License :: ... :: X` classifiers.
 */
function metadataLicenses(headers: Map<string, string[]>): string[] {
  const expression = headers.get('license-expression')?.[0];
  if (expression) return [expression];
  const license = headers.get('license')?.[0];
  if (license && license.toUpperCase() !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) {
    return [license];
  }
  const fromClassifiers = (headers.get('classifier') ?? [])
    .filter((classifier) => classifier.startsWith('License ::'))
    .map((classifier) => classifier.split('::').at(-1)?.trim() ?? '')
    .filter((name) => name !== '' && name !== 'OSI Approved');
  return fromClassifiers;
}
