/** `--pkg-types`: OS packages, language packages, or both. */
export type PackageType = 'os' | 'library';

/** The inventory with only the selected kinds of packages, for detection and listing. */
export function withPackageTypes<
  T extends { Packages: readonly unknown[]; Applications: readonly unknown[] },
>(inventory: T, pkgTypes: readonly PackageType[]): T {
  return {
    ...inventory,
    Packages: pkgTypes.includes('os') ? inventory.Packages : [],
    Applications: pkgTypes.includes('library') ? inventory.Applications : [],
  };
}
