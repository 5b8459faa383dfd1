import type { Package } from '../../../inventory.ts';
import { paragraphs, type Paragraph } from './control.ts';
import { parseDebVersion } from './deb-version.ts';
import { isThirdPartyMaintainer } from './third-party.ts';

/** Installed packages of one status file, in file order; a later paragraph with the same ID replaces an earlier one. */
export function parseDpkgStatus(content: Buffer): Package[] {
  const byId = new Map<string, Package>();
  const dependsByPackage = new Map<Package, string[]>();
  const idByName = new Map<string, string>();
  for (const paragraph of paragraphs(content.toString('utf8'))) {
    const parsed = parsePackage(paragraph);
    if (parsed === undefined) continue;
    const { pkg, depends } = parsed;
    const id = pkg.ID ?? '';
    byId.delete(id);
    byId.set(id, pkg);
    dependsByPackage.set(pkg, depends);
    idByName.set(pkg.Name, id);
  }
  const packages = [...byId.values()];
  for (const pkg of packages) {
    const ids = new Set<string>();
    for (const name of dependsByPackage.get(pkg) ?? []) {
      const id = idByName.get(name);
      if (id !== undefined) ids.add(id);
    }
    if (ids.size > 0) pkg.DependsOn = [...ids].sort();
  }
  return packages;
}

function parsePackage(paragraph: Paragraph): { pkg: Package; depends: string[] } | undefined {
  if (!isInstalled(paragraph.get('status'))) return undefined;
  const name = paragraph.get('package') ?? '';
  const rawVersion = paragraph.get('version') ?? '';
  if (name === '' || rawVersion === '') return undefined;
  const version = parseDebVersion(rawVersion);
  if (version === undefined) return undefined;

  const [sourceName, sourceVersionText] = parseSource(paragraph.get('source'));
  const srcVersion = parseDebVersion(sourceVersionText ?? rawVersion);
  if (srcVersion === undefined) return undefined;

  const pkg: Package = { ID: `${name}@${rawVersion}`, Name: name, Version: version.upstream };
  if (version.epoch > 0) pkg.Epoch = version.epoch;
  if (version.revision !== '') pkg.Release = version.revision;
  const arch = paragraph.get('architecture');
  if (arch !== undefined && arch !== '') pkg.Arch = arch;
  pkg.SrcName = sourceName ?? name;
  pkg.SrcVersion = srcVersion.upstream;
  if (srcVersion.epoch > 0) pkg.SrcEpoch = srcVersion.epoch;
  if (srcVersion.revision !== '') pkg.SrcRelease = srcVersion.revision;
  const maintainer = paragraph.get('maintainer');
  if (maintainer !== undefined && maintainer !== '') pkg.Maintainer = maintainer;
  if (isThirdPartyMaintainer(maintainer)) pkg.ThirdParty = true;
  return { pkg, depends: parseDepends(paragraph.get('depends')) };
}

/** `Status: install ok installed`; dpkg keeps removed-but-configured packages too, marked deinstall or purge. */
function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return true;
  return !status.split(/\s+/).some((word) => word === 'deinstall' || word === 'purge');
}

/** `Source: openssl` or `Source: openssl (3.0.11-1~deb12u2)` when the source version differs from the binary's. */
function parseSource(source: string | undefined): [string | undefined, string | undefined] {
  if (source === undefined || source === '') return [undefined, undefined];
  const match = /^(\S+)(?:\s+\((.*)\))?/.exec(source);
  if (match === null) return [undefined, undefined];
  const version = match[2]?.trim();
  return [match[1], version === '' ? undefined : version];
}

/** `libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any` → every alternative's bare package name. */
function parseDepends(depends: string | undefined): string[] {
  if (depends === undefined || depends === '') return [];
  const names = new Set<string>();
  for (const clause of depends.split(',')) {
    for (const alternative of clause.split('|')) {
      const name = (alternative.split(/[([<]/, 1)[0] ?? '').trim().split(':', 1)[0] ?? '';
      if (name !== '') names.add(name);
    }
  }
  return [...names];
}
