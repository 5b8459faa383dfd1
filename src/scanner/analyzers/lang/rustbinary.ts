import { inflateSync } from 'node:zlib';
import { AnalyzerError, type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { parseElf, sectionContent } from './elf.ts';
import { isRecord, languagePackage, singleApplication } from './language-package.ts';

const type = 'rustbinary';

/** The audit data is a few KiB; anything far larger is not cargo-auditable's and is refused before inflating. */
const maxAuditDataBytes = 8 * 1024 * 1024;

/**
 * Executables built with cargo-auditable carry their dependency tree as zlib-compressed JSON in the `.dep-v0`
 * section. Only crates linked into the binary (`kind` runtime, the default) are reported.
 */
export const rustBinaryAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path, mode }) => (mode & 0o111) !== 0 || path.toLowerCase().endsWith('.exe'),
  analyze({ path, content }) {
    const elf = parseElf(content);
    const compressed = elf ? sectionContent(content, elf, '.dep-v0') : undefined;
    if (!compressed) return undefined;
    let document: unknown;
    try {
      document = JSON.parse(inflateSync(compressed, { maxOutputLength: maxAuditDataBytes }).toString('utf8'));
    } catch (error) {
      throw new AnalyzerError(type, path, `unreadable cargo-auditable data: ${(error as Error).message}`);
    }
    if (!isRecord(document) || !Array.isArray(document.packages)) {
      throw new AnalyzerError(type, path, 'cargo-auditable data without a "packages" list');
    }
    const crates = document.packages.filter(isRecord);
    const id = (index: unknown) => {
      const crate = typeof index === 'number' ? crates[index] : undefined;
      return crate && typeof crate.name === 'string' && typeof crate.version === 'string'
        ? `${crate.name}@${crate.version}`
        : undefined;
    };
    const packages: Package[] = [];
    for (const crate of crates) {
      if (typeof crate.name !== 'string' || typeof crate.version !== 'string') continue;
      if (crate.kind !== undefined && crate.kind !== 'runtime') continue;
      const dependsOn = (Array.isArray(crate.dependencies) ? crate.dependencies : [])
        .filter((index) => {
          const dependency = typeof index === 'number' ? crates[index] : undefined;
          return dependency !== undefined && (dependency.kind === undefined || dependency.kind === 'runtime');
        })
        .map(id)
        .filter((value): value is string => value !== undefined)
        .sort();
      packages.push(languagePackage(type, { name: crate.name, version: crate.version, dependsOn }));
    }
    return singleApplication(type, path, packages);
  },
};
