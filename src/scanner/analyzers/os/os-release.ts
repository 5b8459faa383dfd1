import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import type { OsFamily } from '../../inventory.ts';
import { parseAssignments } from './release-text.ts';

/**
 * `ID` in os-release(5) → Trivy's OS family. Debian and Ubuntu are deliberately absent: Trivy takes them from
 * `etc/debian_version` and `etc/lsb-release`, so an os-release `ID=debian` alone does not decide the OS.
 */
const familyById: ReadonlyMap<string, OsFamily> = new Map([
  ['rhel', 'redhat'],
  ['centos', 'centos'],
  ['rocky', 'rocky'],
  ['almalinux', 'alma'],
  ['ol', 'oracle'],
  ['fedora', 'fedora'],
  ['alpine', 'alpine'],
  ['bottlerocket', 'bottlerocket'],
  ['opensuse-tumbleweed', 'opensuse-tumbleweed'],
  ['opensuse-leap', 'opensuse-leap'],
  ['opensuse', 'opensuse-leap'],
  ['sles', 'sles'],
  ['sle-micro', 'slem'],
  ['sl-micro', 'slem'],
  ['sle-micro-rancher', 'slem'],
  ['photon', 'photon'],
  ['wolfi', 'wolfi'],
  ['chainguard', 'chainguard'],
  ['azurelinux', 'azurelinux'],
  ['mariner', 'cbl-mariner'],
  ['echo', 'echo'],
  ['minimos', 'minimos'],
  ['coreos', 'coreos'],
  ['activestate', 'activestate'],
]);

const paths: ReadonlySet<string> = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  // Bottlerocket keeps its release file under the host root it mounts for containers.
  'x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release',
  'aarch64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release',
]);

/** Families whose os-release the detection uses (SUSE, Photon, Wolfi, Azure Linux, RHEL clones, …). */
export const osReleaseAnalyzer: Analyzer = {
  type: 'os-release',
  version: 1,
  required(file: FileInfo): boolean {
    return paths.has(file.path);
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const values = parseAssignments(input.content);
    const id = values.get('ID');
    const versionId = values.get('VERSION_ID');
    if (id === undefined || versionId === undefined || versionId === '') return undefined;
    const family = familyById.get(id.toLowerCase());
    if (family === undefined) return undefined;
    return { os: { Family: family, Name: versionId } };
  },
};
