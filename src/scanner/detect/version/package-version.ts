/**
 * The version strings OS matching compares (spec §4.2): Debian, Ubuntu and the Alpine family match the source
 * package's version, other families the binary package's; reports always show the binary version.
 */
import type { Package } from '../../inventory.ts';

function format(epoch: number | undefined, version: string, release: string | undefined): string {
  const withRelease = release ? `${version}-${release}` : version;
  return epoch ? `${epoch}:${withRelease}` : withRelease;
}

/** `[epoch:]version[-release]` of the binary package, as shown in `InstalledVersion`. */
export function installedVersion(pkg: Package): string {
  return format(pkg.Epoch, pkg.Version, pkg.Release);
}

/** `[epoch:]version[-release]` of the source package, falling back to the binary version when none was recorded. */
export function sourceVersion(pkg: Package): string {
  if (!pkg.SrcVersion) return installedVersion(pkg);
  return format(pkg.SrcEpoch, pkg.SrcVersion, pkg.SrcRelease);
}
