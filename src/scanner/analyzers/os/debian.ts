import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import { firstLine } from './release-text.ts';

/**
 * `etc/debian_version`: Debian and every derivative (Ubuntu says `bookworm/sid`, which the Ubuntu analyzers later
 * override; distroless images carry it too, with their packages in `var/lib/dpkg/status.d/`).
 */
export const debianAnalyzer: Analyzer = {
  type: 'debian',
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'etc/debian_version';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const name = firstLine(input.content);
    if (name === '') return undefined;
    return { os: { Family: 'debian', Name: name } };
  },
};
