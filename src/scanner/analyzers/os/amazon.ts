import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import { firstLine } from './release-text.ts';

/**
 * `etc/system-release`: `Amazon Linux release 2 (Karoo)` → `2 (Karoo)`, `Amazon Linux release 2023.3.2024 (Amazon
 * Linux)` → `2023.3.2024 (Amazon Linux)`, `Amazon Linux AMI release 2018.03` → `AMI release 2018.03`. Detection
 * takes the first token of the name and treats anything not 2/2022/2023 as Amazon Linux 1.
 */
export const amazonAnalyzer: Analyzer = {
  type: 'amazon',
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'etc/system-release' || file.path === 'usr/lib/system-release';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const fields = firstLine(input.content).split(/\s+/);
    if (fields[0] !== 'Amazon' || fields[1] !== 'Linux' || fields.length < 4) return undefined;
    const name = fields[2] === 'release' ? fields.slice(3).join(' ') : fields.slice(2).join(' ');
    if (name === '') return undefined;
    return { os: { Family: 'amazon', Name: name } };
  },
};
