import { SecretScanner, type SecretScannerConfig } from './scanner.ts';
import type { SecretFinding } from './types.ts';

export { builtinAllowRules } from './builtin-allow-rules.ts';
export { builtinRules } from './builtin-rules.ts';
export { loadSecretConfig, parseSecretConfig, SecretConfigError } from './config.ts';
export { defaultSkipPatterns, extractPrintableStrings, isBinaryContent } from './files.ts';
export {
  defaultSecretScannerConfig,
  SecretScanner,
  type SecretScannerConfig,
  type SecretScannerOptions,
} from './scanner.ts';
export type { AllowRule, CodeLine, ExcludeBlock, SecretFinding, SecretPattern, SecretRule } from './types.ts';

let defaultScanner: SecretScanner | undefined;
const scanners = new WeakMap<SecretScannerConfig, SecretScanner>();

function scannerFor(config: SecretScannerConfig | undefined): SecretScanner {
  if (config === undefined) return (defaultScanner ??= new SecretScanner());
  let scanner = scanners.get(config);
  if (scanner === undefined) {
    scanner = new SecretScanner(config);
    scanners.set(config, scanner);
  }
  return scanner;
}

/**
 * Secrets in one file, in Trivy's JSON shape, sorted by rule then match. `path` is the reported target
 * (image files: with a leading `/`). Without `config`, Trivy's built-in rules and allow rules apply.
 */
export function scanSecrets(
  path: string,
  content: Uint8Array,
  options: { config?: SecretScannerConfig } = {},
): SecretFinding[] {
  return scannerFor(options.config).scan(path, content);
}

/** `scanSecrets` for content read piece by piece (large files): memory stays at one 64 KiB chunk. */
export function scanSecretsStream(
  path: string,
  source: AsyncIterable<Uint8Array>,
  options: { config?: SecretScannerConfig } = {},
): Promise<SecretFinding[]> {
  return scannerFor(options.config).scanStream(path, source);
}

/** True when the file is never read for secrets (skip patterns, global allow paths such as tests and vendor dirs). */
export function isSecretScanSkipped(path: string, options: { config?: SecretScannerConfig } = {}): boolean {
  return scannerFor(options.config).isSkipped(path);
}
