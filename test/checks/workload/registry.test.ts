/** The registry holds exactly the catalogue's 55 workload KSV checks, and docs/checks.md matches it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { allChecks, findCheck } from '../../../src/checks/registry.ts';
import { workloadChecks } from '../../../src/checks/workload/index.ts';
import { WORKLOAD_KINDS } from '../../../src/checks/kubernetes-object.ts';
import { CHECKS_DOC_PATH, renderChecksDoc } from '../../../scripts/generate-checks-doc.ts';

type Kinds = 'W' | 'any' | string;

/** Catalogue §1.1: ID, legacy alias ('' when none), severity, kinds, title. */
const CATALOGUE: readonly (readonly [string, string, string, Kinds, string])[] = [
  ['KSV-0001', 'KSV001', 'MEDIUM', 'W', 'Can elevate its own privileges'],
  ['KSV-0002', 'KSV002', 'LOW', 'W', 'Runtime/Default AppArmor profile not set'],
  ['KSV-0003', 'KSV003', 'LOW', 'W', 'Default capabilities: some containers do not drop all'],
  ['KSV-0004', 'KSV004', 'LOW', 'W', 'Default capabilities: some containers do not drop any'],
  ['KSV-0005', 'KSV005', 'HIGH', 'W', 'SYS_ADMIN capability added'],
  ['KSV-0006', 'KSV006', 'HIGH', 'W', 'hostPath volume mounted with docker.sock'],
  ['KSV-0007', 'KSV007', 'LOW', 'W', 'Manages /etc/hosts'],
  ['KSV-0008', 'KSV008', 'HIGH', 'W', 'Access to host IPC namespace'],
  ['KSV-0009', 'KSV009', 'HIGH', 'W', 'Access to host network'],
  ['KSV-0010', 'KSV010', 'HIGH', 'W', 'Access to host PID'],
  ['KSV-0011', 'KSV011', 'LOW', 'W', 'CPU not limited'],
  ['KSV-0012', 'KSV012', 'MEDIUM', 'W', 'Runs as root user'],
  ['KSV-0013', 'KSV013', 'MEDIUM', 'W', 'Image tag ":latest" used'],
  ['KSV-0014', 'KSV014', 'HIGH', 'W', 'Root file system is not read-only'],
  ['KSV-0015', 'KSV015', 'LOW', 'W', 'CPU requests not specified'],
  ['KSV-0016', 'KSV016', 'LOW', 'W', 'Memory requests not specified'],
  ['KSV-0017', 'KSV017', 'HIGH', 'W', 'Privileged'],
  ['KSV-0018', 'KSV018', 'LOW', 'W', 'Memory not limited'],
  ['KSV-0020', 'KSV020', 'LOW', 'W', 'Runs with UID <= 10000'],
  ['KSV-0021', 'KSV021', 'LOW', 'W', 'Runs with GID <= 10000'],
  ['KSV-0022', 'KSV022', 'MEDIUM', 'W', 'Specific capabilities added'],
  ['KSV-0023', 'KSV023', 'MEDIUM', 'W', 'hostPath volumes mounted'],
  ['KSV-0024', 'KSV024', 'HIGH', 'W', 'Access to host ports'],
  ['KSV-0025', 'KSV025', 'MEDIUM', 'W', 'SELinux custom options set'],
  ['KSV-0026', 'KSV026', 'MEDIUM', 'W', 'Unsafe sysctl options set'],
  ['KSV-0027', 'KSV027', 'MEDIUM', 'W', 'Non-default /proc masks set'],
  ['KSV-0028', 'KSV028', 'LOW', 'W', 'Non-core volume types used.'],
  ['KSV-0030', 'KSV030', 'LOW', 'W', 'Runtime/Default Seccomp profile not set'],
  ['KSV-0032', 'KSV032', 'MEDIUM', 'W', 'All container images must start with the *.azurecr.io domain'],
  ['KSV-0033', 'KSV033', 'MEDIUM', 'W', 'All container images must start with a GCR domain'],
  ['KSV-0034', 'KSV034', 'MEDIUM', 'W', 'Container images from public registries used'],
  ['KSV-0035', 'KSV035', 'MEDIUM', 'W', 'All container images must start with an ECR domain'],
  ['KSV-0036', 'KSV036', 'MEDIUM', 'any', 'Protecting Pod service account tokens'],
  ['KSV-0037', 'KSV037', 'MEDIUM', 'any', 'User resources should not be placed in kube-system namespace'],
  ['KSV-0038', 'KSV038', 'MEDIUM', 'any', 'Selector usage in network policies'],
  ['KSV-0039', 'KSV039', 'LOW', 'LimitRange', 'limit range usage'],
  ['KSV-0040', 'KSV040', 'LOW', 'ResourceQuota', 'resource quota usage'],
  ['KSV-0102', 'KSV102', 'CRITICAL', 'any', 'Tiller Is Deployed'],
  ['KSV-0103', 'KSV103', 'MEDIUM', 'W', 'Access to host process'],
  ['KSV-0104', 'KSV104', 'MEDIUM', 'W', 'Seccomp policies disabled'],
  ['KSV-0105', 'KSV105', 'LOW', 'any', 'Containers must not set runAsUser to 0'],
  ['KSV-0106', 'KSV106', 'LOW', 'any', 'Container capabilities must only include NET_BIND_SERVICE'],
  ['KSV-0107', 'KSV107', 'LOW', 'any', "The deprecated 'apiVersion' and 'kind' should not be used"],
  ['KSV-0108', '', 'HIGH', 'Service', 'Service with External IP'],
  ['KSV-0109', '', 'HIGH', 'ConfigMap', 'ConfigMap with secrets'],
  ['KSV-0110', 'KSV110', 'LOW', 'W', 'Workloads in the default namespace'],
  ['KSV-0116', 'KSV116', 'LOW', 'W', 'Runs with a root primary or supplementary GID'],
  ['KSV-0117', 'KSV117', 'MEDIUM', 'W', 'Prevent binding to privileged ports'],
  ['KSV-0118', 'KSV118', 'HIGH', 'W', 'Default security context configured'],
  ['KSV-0119', 'KSV119', 'HIGH', 'W', 'NET_RAW capability added'],
  ['KSV-0120', 'KSV120', 'HIGH', 'W', 'SYS_MODULE capability added'],
  ['KSV-0121', 'KSV121', 'HIGH', 'W', 'Kubernetes resource with disallowed volumes mounted'],
  ['KSV-0124', '', 'HIGH', 'any', 'Gatekeeper repo reference is ambiguously open-ended'],
  ['KSV-0125', 'KSV0125', 'MEDIUM', 'W', 'Restrict container images to trusted registries'],
  ['KSV-01010', '', 'MEDIUM', 'ConfigMap', 'ConfigMap with sensitive content'],
];

describe('workload check registry', () => {
  it('holds exactly the 55 catalogued KSV checks, in ID order, with unique IDs', () => {
    assert.equal(workloadChecks.length, 55);
    assert.deepEqual(
      workloadChecks.map((check) => check.id),
      CATALOGUE.map(([id]) => id),
    );
    assert.equal(new Set(workloadChecks.map((check) => check.id)).size, 55);
  });

  for (const [id, legacy, severity, kinds, title] of CATALOGUE) {
    it(`${id} carries the catalogue's metadata`, () => {
      const check = workloadChecks.find((c) => c.id === id);
      assert.ok(check);
      assert.equal(check.title, title);
      assert.equal(check.severity, severity);
      assert.deepEqual(check.aliases, legacy === '' ? [`AVD-${id}`] : [`AVD-${id}`, legacy]);
      const expectedKinds = kinds === 'W' ? [...WORKLOAD_KINDS] : kinds === 'any' ? '*' : [kinds];
      assert.deepEqual(check.kinds === '*' ? '*' : [...check.kinds], expectedKinds);
      assert.ok(check.description.length > 20, 'description');
      assert.ok(check.remediation.length > 10, 'remediation');
      assert.equal(check.deprecated === true, ['KSV-0032', 'KSV-0033', 'KSV-0034', 'KSV-0035'].includes(id));
    });
  }

  it('has the severity distribution of catalogue §5', () => {
    const counts: Record<string, number> = {};
    for (const check of workloadChecks) counts[check.severity] = (counts[check.severity] ?? 0) + 1;
    assert.deepEqual(counts, { CRITICAL: 1, HIGH: 15, MEDIUM: 20, LOW: 19 });
  });

  it('finds checks by ID, AVD ID and legacy ID; IDs are unique across all families', () => {
    assert.equal(findCheck('KSV-0012')?.id, 'KSV-0012');
    assert.equal(findCheck('AVD-KSV-0012')?.id, 'KSV-0012');
    assert.equal(findCheck('KSV012')?.id, 'KSV-0012');
    assert.equal(findCheck('KSV-9999'), undefined);
    assert.equal(new Set(allChecks.map((check) => check.id)).size, allChecks.length);
  });

  it('docs/checks.md is up to date (regenerate with node scripts/generate-checks-doc.ts)', async () => {
    const current = await readFile(CHECKS_DOC_PATH, 'utf8');
    assert.equal(current, await renderChecksDoc());
  });
});
