import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import { firstLine, releaseText } from './release-text.ts';

/** `etc/alpine-release`: the first line is the release (`3.19.1`). */
export const alpineAnalyzer: Analyzer = {
  type: 'alpine',
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'etc/alpine-release';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const name = firstLine(input.content);
    if (name === '') return undefined;
    return { os: { Family: 'alpine', Name: name } };
  },
};

const repositoryRelease = /\/alpine\/(v\d+\.\d+|edge)(?:\/|$)/;

/**
 * `etc/apk/repositories`: the branch the mirrors point at. An image built on an old base but upgraded from a
 * newer branch is matched against that branch's advisories. `edge` wins over any numbered branch.
 */
export const apkRepositoriesAnalyzer: Analyzer = {
  type: 'apk-repo',
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'etc/apk/repositories';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    let best: [number, number] | undefined;
    for (const rawLine of releaseText(input.content).split('\n')) {
      const line = rawLine.trim();
      if (line.startsWith('#')) continue;
      const match = repositoryRelease.exec(line);
      if (match === null) continue;
      const branch = match[1] ?? '';
      if (branch === 'edge') return { repository: { Family: 'alpine', Release: 'edge' } };
      const [major, minor] = branch.slice(1).split('.').map(Number) as [number, number];
      if (best === undefined || major > best[0] || (major === best[0] && minor > best[1]))
        best = [major, minor];
    }
    if (best === undefined) return undefined;
    return { repository: { Family: 'alpine', Release: `${best[0]}.${best[1]}` } };
  },
};
