import type * as Fflate from 'fflate';
import { lazyRequire } from '../../../util/lazy-require.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { baseName, singleApplication } from './language-package.ts';

/** Loaded when the first archive is read: most images hold none. */
const fflate = lazyRequire<typeof Fflate>('fflate');

const type = 'jar';

const archivePattern = /\.(jar|war|ear|par)$/i;
const pomPropertiesPattern = /^META-INF\/maven\/.+\/pom\.properties$/;
const manifestPath = 'META-INF/MANIFEST.MF';

/** Nested archives deeper than this are not opened: real applications nest two or three levels at most. */
const maxNestingDepth = 8;
/** Per-entry and per-archive inflation limits: a zip bomb is refused before its entries are inflated. */
const maxEntryBytes = 256 * 1024 * 1024;
const maxTotalBytes = 1024 * 1024 * 1024;
/**
 * Nested archives opened per top-level archive. Large EARs hold a few thousand; a central directory that lists the
 * same nested jar under many names (entries may share their data) would otherwise multiply at every level.
 */
const maxArchives = 20_000;
/**
 * Longest groupId, artifactId or version taken as real. Coordinates on Maven Central stay far below it; a longer one
 * is junk, and from a deflated entry a few hundred bytes of jar would become tens of KiB in every report.
 */
const maxCoordinateLength = 256;

interface Budget {
  bytes: number;
  archives: number;
}

/**
 * Java archives and the archives nested in them (Spring Boot `BOOT-INF/lib`, `WEB-INF/lib`, EARs). A package comes
 * from each `pom.properties`; when none describes the archive itself, its `MANIFEST.MF` is used. Identifying a bare
 * jar by SHA-1 or by file name needs the Trivy Java DB, which this analyzer does not use.
 */
export const jarAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => archivePattern.test(path),
  analyze({ path, content }) {
    const budget: Budget = { bytes: maxTotalBytes, archives: maxArchives };
    const packages = new Map<string, Package>();
    try {
      for (const pkg of archivePackages(path, content, 0, budget)) {
        const key = `${pkg.FilePath}\0${pkg.ID}`;
        if (!packages.has(key)) packages.set(key, pkg);
      }
    } catch (error) {
      if (error instanceof AnalyzerError) throw error;
      throw new AnalyzerError(type, path, `unreadable archive: ${(error as Error).message}`);
    }
    return singleApplication(type, path, [...packages.values()]);
  },
};

/** One pass over the archive reads its metadata and its nested archives: reading each by name would rescan the
 *  whole central directory once per nested archive. An entry listed twice is read once. */
function archivePackages(path: string, archive: Uint8Array, depth: number, budget: Budget): Package[] {
  const taken = new Set<string>();
  const isNested = (name: string) => archivePattern.test(name) && depth < maxNestingDepth;
  const entries = fflate().unzipSync(archive, {
    filter: (file) => {
      const wanted =
        file.name === manifestPath || pomPropertiesPattern.test(file.name) || isNested(file.name);
      if (!wanted || taken.has(file.name)) return false;
      taken.add(file.name);
      if (isNested(file.name) && --budget.archives < 0) {
        throw new AnalyzerError(type, path, `more than ${maxArchives} nested archives`);
      }
      if (file.originalSize > maxEntryBytes || file.originalSize > budget.bytes) {
        throw new AnalyzerError(
          type,
          path,
          `entry ${file.name} declares ${file.originalSize} bytes, over the limit`,
        );
      }
      budget.bytes -= file.originalSize;
      return true;
    },
  });

  const packages: Package[] = [];
  const fromFileName = artifactFromFileName(baseName(path));
  let describesArchive = false;
  for (const [name, bytes] of Object.entries(entries)) {
    if (!pomPropertiesPattern.test(name)) continue;
    const properties = parseProperties(Buffer.from(bytes).toString('utf8'));
    const groupId = properties.get('groupId');
    const artifactId = properties.get('artifactId');
    const version = properties.get('version');
    if (!plausible(groupId) || !plausible(artifactId) || !plausible(version)) continue;
    packages.push(mavenPackage(groupId, artifactId, version, path));
    if (fromFileName && fromFileName.artifactId === artifactId && fromFileName.version === version) {
      describesArchive = true;
    }
  }
  if (!describesArchive && packages.length === 0) {
    const manifestBytes = entries[manifestPath];
    const coordinates = manifestBytes
      ? manifestCoordinates(Buffer.from(manifestBytes).toString('utf8'))
      : undefined;
    if (coordinates && [coordinates.groupId, coordinates.artifactId, coordinates.version].every(plausible))
      packages.push(mavenPackage(coordinates.groupId, coordinates.artifactId, coordinates.version, path));
  }

  for (const [name, inner] of Object.entries(entries)) {
    if (isNested(name)) packages.push(...archivePackages(`${path}/${name}`, inner, depth + 1, budget));
  }
  return packages;
}

const plausible = (part: string | undefined): part is string =>
  part !== undefined && part !== '' && part.length <= maxCoordinateLength;

function mavenPackage(groupId: string, artifactId: string, version: string, filePath: string): Package {
  const name = `${groupId}:${artifactId}`;
  return {
    ID: `${name}:${version}`,
    Name: name,
    Version: version,
    Identifier: {
      PURL: `pkg:maven/${encodeURIComponent(groupId)}/${encodeURIComponent(artifactId)}@${encodeURIComponent(version)}`,
    },
    FilePath: filePath,
  };
}

/** Java `.properties`: `key=value` or `key: value`, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const separator = line.search(/[=:]/);
    if (separator <= 0) continue;
    properties.set(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
  }
  return properties;
}

/** The main section of a JAR manifest, with 72-column continuation lines joined. */
export function parseManifest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && lastKey) {
      attributes.set(lastKey, (attributes.get(lastKey) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    attributes.set(lastKey, line.slice(colon + 1).trim());
  }
  return attributes;
}

function manifestCoordinates(
  text: string,
): { groupId: string; artifactId: string; version: string } | undefined {
  const attributes = parseManifest(text);
  const first = (...keys: string[]) => keys.map((key) => attributes.get(key)).find((value) => value);
  const artifactId = first('Implementation-Title', 'Specification-Title', 'Bundle-Name');
  const version = first('Implementation-Version', 'Specification-Version', 'Bundle-Version');
  const symbolicName = attributes.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const vendorAsGroup = [
    attributes.get('Implementation-Vendor'),
    attributes.get('Specification-Vendor'),
  ].find((vendor) => vendor !== undefined && /^[\w-]+(\.[\w-]+)+$/.test(vendor));
  const groupId =
    attributes.get('Implementation-Vendor-Id') ??
    (symbolicName?.includes('.') ? symbolicName.slice(0, symbolicName.lastIndexOf('.')) : undefined) ??
    vendorAsGroup;
  if (!artifactId || !version || !groupId) return undefined;
  return { groupId, artifactId, version };
}

/** `commons-lang3-3.12.0.jar` → artifactId `commons-lang3`, version `3.12.0` (the version starts at the first `-<digit>`). */
export function artifactFromFileName(fileName: string): { artifactId: string; version: string } | undefined {
  const stem = fileName.replace(archivePattern, '');
  const match = /^(.+?)-(\d[^-]*(?:-.+)?)$/.exec(stem);
  return match?.[1] && match[2] ? { artifactId: match[1], version: match[2] } : undefined;
}
