import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import { parseAssignments } from './release-text.ts';

/** `etc/lsb-release` with `DISTRIB_ID=Ubuntu`: the release (`22.04`) is `DISTRIB_RELEASE`. */
export const ubuntuAnalyzer: Analyzer = {
  type: 'ubuntu',
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'etc/lsb-release';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const values = parseAssignments(input.content);
    const release = values.get('DISTRIB_RELEASE');
    if (values.get('DISTRIB_ID') !== 'Ubuntu' || release === undefined || release === '') return undefined;
    return { os: { Family: 'ubuntu', Name: release } };
  },
};
