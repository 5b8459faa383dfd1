import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import type { OsFamily } from '../../inventory.ts';
import { firstLine } from './release-text.ts';

const releaseLine = /^(.*?)\s+release\s+(\d[\d.]*)/i;

/** Which product a `<name> release <version>` line names; anything unrecognised is Red Hat itself. */
function familyOf(productName: string): OsFamily {
  const name = productName.toLowerCase();
  if (name.includes('centos')) return 'centos';
  if (name.includes('rocky')) return 'rocky';
  if (name.includes('alma')) return 'alma';
  if (name.includes('oracle')) return 'oracle';
  if (name.includes('fedora')) return 'fedora';
  return 'redhat';
}

/** The family a product-specific file implies, whatever the line says. `etc/redhat-release` decides by name. */
const familyByPath: ReadonlyMap<string, OsFamily | undefined> = new Map([
  ['etc/redhat-release', undefined],
  ['etc/centos-release', 'centos'],
  ['etc/rocky-release', 'rocky'],
  ['etc/almalinux-release', 'alma'],
  ['etc/oracle-release', 'oracle'],
  ['etc/fedora-release', 'fedora'],
  ['usr/lib/fedora-release', 'fedora'],
]);

/**
 * Red Hat family release files (`CentOS Linux release 7.9.2009 (Core)`). Clones ship `etc/redhat-release` too,
 * so a RedHat guess from it is later overridden by the clone's own file when both exist (see `mergeOs`).
 */
export const redhatReleaseAnalyzer: Analyzer = {
  type: 'redhat-release',
  version: 1,
  required(file: FileInfo): boolean {
    return familyByPath.has(file.path);
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const match = releaseLine.exec(firstLine(input.content));
    if (match === null) return undefined;
    const family = familyByPath.get(input.path) ?? familyOf(match[1] ?? '');
    return { os: { Family: family, Name: match[2] ?? '' } };
  },
};
