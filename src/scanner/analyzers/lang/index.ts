import type { Analyzer } from '../types.ts';
import { cargoLockAnalyzer } from './cargo-lock.ts';
import { composerVendorAnalyzer } from './composer-vendor.ts';
import { dotnetDepsAnalyzer } from './dotnet-deps.ts';
import { gemspecAnalyzer } from './gemspec.ts';
import { goBinaryAnalyzer } from './gobinary.ts';
import { jarAnalyzer } from './jar.ts';
import { nodePackageAnalyzer } from './node-pkg.ts';
import { pythonPackageAnalyzer } from './python-pkg.ts';
import { rustBinaryAnalyzer } from './rustbinary.ts';

/** Language analyzers enabled for container images (lock files other than Cargo.lock are for `fs` scans only). */
export const languageAnalyzers: readonly Analyzer[] = [
  nodePackageAnalyzer,
  pythonPackageAnalyzer,
  gemspecAnalyzer,
  jarAnalyzer,
  goBinaryAnalyzer,
  rustBinaryAnalyzer,
  composerVendorAnalyzer,
  dotnetDepsAnalyzer,
  cargoLockAnalyzer,
];
