import type { Package } from '../../../../src/scanner/inventory.ts';

/** `id [dev] [relationship] [-> dep,dep]` per package, in the order given: one line that tests can compare whole. */
export function packageSummary(packages: readonly Package[] = []): string[] {
  return packages.map((pkg) =>
    [
      pkg.ID,
      pkg.Dev ? 'dev' : '',
      pkg.Relationship ?? '',
      pkg.DependsOn?.length ? `-> ${pkg.DependsOn.join(',')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' '),
  );
}
