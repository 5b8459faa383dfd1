import type { Package } from '../../../inventory.ts';
import { parseHeaderBlob, RpmHeaderError, RpmTag, type HeaderValue } from './header.ts';
import { splitSourceRpm } from './source-rpm.ts';
import { isOsVendor } from './vendor.ts';

/** One installed package from its header, plus what dependency resolution needs. */
export interface RpmPackage {
  pkg: Package;
  provides: string[];
  requires: string[];
}

export function rpmPackageFromHeader(blob: Buffer): RpmPackage {
  const tags = parseHeaderBlob(blob);
  const name = text(tags, RpmTag.name);
  const version = text(tags, RpmTag.version);
  const release = text(tags, RpmTag.release);
  if (name === undefined || version === undefined || release === undefined) {
    throw new RpmHeaderError('header has no NAME, VERSION or RELEASE');
  }
  const arch = text(tags, RpmTag.arch) ?? '';
  const epoch = numbers(tags, RpmTag.epoch)[0] ?? 0;
  const vendor = text(tags, RpmTag.vendor) ?? '';
  const pkg: Package = {
    ID: `${name}@${version}-${release}.${arch}`,
    Name: name,
    Version: version,
    Release: release,
    Arch: arch === '' ? 'None' : arch,
  };
  if (epoch > 0) {
    pkg.Epoch = epoch;
    // The source RPM file name carries no epoch; Trivy assumes the binary's.
    pkg.SrcEpoch = epoch;
  }
  const sourceRpm = text(tags, RpmTag.sourceRpm);
  const source = sourceRpm === undefined || sourceRpm === '(none)' ? undefined : splitSourceRpm(sourceRpm);
  if (source !== undefined) {
    pkg.SrcName = source.name;
    pkg.SrcVersion = source.version;
    pkg.SrcRelease = source.release;
  }
  const modularityLabel = text(tags, RpmTag.modularityLabel);
  if (modularityLabel !== undefined && modularityLabel !== '') pkg.Modularitylabel = modularityLabel;
  const license = text(tags, RpmTag.license);
  if (license !== undefined && license !== '') pkg.Licenses = [license];
  if (vendor !== '') pkg.Maintainer = vendor;
  const sigMd5 = tags.get(RpmTag.sigMd5);
  if (Buffer.isBuffer(sigMd5) && sigMd5.length > 0) pkg.Digest = `md5:${sigMd5.toString('hex')}`;
  if (isOsVendor(vendor)) {
    // Files of third-party RPMs stay unowned so language packages inside them are still scanned.
    const files = installedFiles(tags, blob.length * maxFileListExpansion);
    if (files.length > 0) pkg.InstalledFiles = files;
  } else {
    pkg.ThirdParty = true;
  }
  return { pkg, provides: strings(tags, RpmTag.provideName), requires: strings(tags, RpmTag.requireName) };
}

/**
 * A real header spends far more bytes per listed file than the file's path (index, base name, size, mode, digest,
 * owner...), so its paths add up to less than the header. A crafted one can make every entry of a long list of
 * empty base names join one long directory name; such a list is dropped rather than expanded into memory.
 */
const maxFileListExpansion = 8;

/** `dirnames[dirindexes[i]] + basenames[i]`, or the pre-4.x OLDFILENAMES list; [] when it expands past `maxChars`. */
function installedFiles(tags: Map<number, HeaderValue>, maxChars: number): string[] {
  const baseNames = strings(tags, RpmTag.baseNames);
  if (baseNames.length === 0) return strings(tags, RpmTag.oldFilenames);
  const dirNames = strings(tags, RpmTag.dirNames);
  const dirIndexes = numbers(tags, RpmTag.dirIndexes);
  if (dirIndexes.length !== baseNames.length) {
    throw new RpmHeaderError(`${baseNames.length} BASENAMES but ${dirIndexes.length} DIRINDEXES`);
  }
  let chars = 0;
  for (const [i, base] of baseNames.entries()) {
    const dir = dirNames[dirIndexes[i] ?? -1];
    if (dir === undefined) throw new RpmHeaderError(`DIRINDEXES[${i}] points past DIRNAMES`);
    chars += dir.length + base.length;
    if (chars > maxChars) return [];
  }
  return baseNames.map((base, i) => (dirNames[dirIndexes[i] ?? -1] ?? '') + base);
}

function text(tags: Map<number, HeaderValue>, tag: number): string | undefined {
  const value = tags.get(tag);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function strings(tags: Map<number, HeaderValue>, tag: number): string[] {
  const value = tags.get(tag);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return [];
}

function numbers(tags: Map<number, HeaderValue>, tag: number): number[] {
  const value = tags.get(tag);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  return [];
}

/** Requirements become the IDs of the installed packages providing them (never the package itself), sorted. */
export function resolveRpmDependencies(packages: readonly RpmPackage[]): Package[] {
  const provider = new Map<string, string>();
  for (const { pkg, provides } of packages) for (const name of provides) provider.set(name, pkg.ID ?? '');
  return packages.map(({ pkg, requires }) => {
    const ids = new Set<string>();
    for (const requirement of requires) {
      const id = provider.get(requirement);
      if (id !== undefined && id !== pkg.ID) ids.add(id);
    }
    if (ids.size > 0) pkg.DependsOn = [...ids].sort();
    return pkg;
  });
}
