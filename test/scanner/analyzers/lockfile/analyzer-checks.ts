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

/** For `assert.rejects`: an AnalyzerError whose message starts with `prefix` (`<type>: <path>: `) and matches `pattern`. */
export function analyzerError(prefix: string, pattern: RegExp): (error: Error) => boolean {
  return (error) =>
    error.name === 'AnalyzerError' && error.message.startsWith(prefix) && pattern.test(error.message);
}
