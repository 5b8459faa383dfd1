import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditedKinds,
  configAuditReportKinds,
  reportKindFor,
} from '../../../src/operator/config-audit/audited-kinds.ts';
import {
  buildMisconfigurationReport,
  isCurrent,
  misconfigurationReportMetadata,
  type ReportMetadataOptions,
} from '../../../src/operator/config-audit/report-builder.ts';
import type { AnyReport } from '../../../src/operator/reports/types.ts';
import { assertAcceptedByCrd } from '../reports/crd-check.ts';

const options = (extra: Partial<ReportMetadataOptions> = {}): ReportMetadataOptions => ({
  reportKind: 'ConfigAuditReport',
  owner: {
    kind: 'ReplicaSet',
    namespace: 'default',
    name: 'naive-75bc9f99c5',
    apiVersion: 'apps/v1',
    uid: 'uid-1',
    labels: { app: 'nginx', team: 'shop' },
  },
  resourceSpecHash: 'abc',
  pluginConfigHash: 'def',
  resourceLabels: ['team'],
  additionalLabels: { env: 'prod', 'trivy-operator.resource.kind': 'spoofed' },
  reportTtlMs: 24 * 3600_000,
  ...extra,
});

const body = {
  checks: [
    {
      checkID: 'KSV110',
      title: 'Workloads in the default namespace',
      description: 'd',
      severity: 'LOW',
      category: 'Kubernetes Security Check',
      messages: ['m'],
      remediation: 'r',
      success: false,
    },
  ],
  summary: { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 1 },
  scannerVersion: '0.1.0',
  now: new Date('2026-01-02T03:04:05Z'),
};

describe('misconfiguration report metadata', () => {
  it('has the contract name, labels, TTL annotation and owner (blockOwnerDeletion: false)', () => {
    const metadata = misconfigurationReportMetadata(options());
    assert.equal(metadata.name, 'replicaset-naive-75bc9f99c5');
    assert.equal(metadata.namespace, 'default');
    assert.deepEqual(metadata.labels, {
      env: 'prod',
      team: 'shop',
      'app.kubernetes.io/managed-by': 'trivy-operator',
      'trivy-operator.resource.kind': 'ReplicaSet',
      'trivy-operator.resource.name': 'naive-75bc9f99c5',
      'trivy-operator.resource.namespace': 'default',
      'resource-spec-hash': 'abc',
      'plugin-config-hash': 'def',
    });
    assert.deepEqual(metadata.annotations, { 'trivy-operator.aquasecurity.github.io/report-ttl': '24h0m0s' });
    assert.deepEqual(metadata.ownerReferences, [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'naive-75bc9f99c5',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: false,
      },
    ]);
  });

  it('hashes system: ClusterRole names and keeps the real name in an annotation; no TTL on cluster reports', () => {
    const metadata = misconfigurationReportMetadata(
      options({
        reportKind: 'ClusterRbacAssessmentReport',
        owner: {
          kind: 'ClusterRole',
          namespace: '',
          name: 'system:controller:job-controller',
          apiVersion: 'rbac.authorization.k8s.io/v1',
          uid: 'u',
          labels: {},
        },
      }),
    );
    assert.match(metadata.name ?? '', /^clusterrole-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(metadata.namespace, undefined);
    assert.equal(metadata.labels?.['trivy-operator.resource.name'], undefined);
    assert.match(metadata.labels?.['trivy-operator.resource.name-hash'] ?? '', /^[a-z0-9]+$/);
    assert.equal(metadata.labels?.['trivy-operator.resource.namespace'], '');
    assert.deepEqual(metadata.annotations, {
      'trivy-operator.resource.name': 'system:controller:job-controller',
    });
  });

  it('builds reports the CRDs accept; RBAC assessments without updateTimestamp', () => {
    for (const kind of [
      'ConfigAuditReport',
      'ClusterConfigAuditReport',
      'RbacAssessmentReport',
      'ClusterRbacAssessmentReport',
    ] as const) {
      const report = buildMisconfigurationReport(
        kind,
        misconfigurationReportMetadata(options({ reportKind: kind })),
        body,
      );
      assertAcceptedByCrd(report);
      const data = (report as unknown as { report: Record<string, unknown> }).report;
      assert.equal('updateTimestamp' in data, kind.endsWith('ConfigAuditReport'), kind);
      assert.deepEqual(data.scanner, { name: 'Trivy', vendor: 'Aqua Security', version: '0.1.0' });
    }
  });

  it('is current only when labels (both hashes), TTL and owner all match', () => {
    const wanted = misconfigurationReportMetadata(options());
    const stored = (metadata = wanted) =>
      buildMisconfigurationReport('ConfigAuditReport', { ...metadata, resourceVersion: '5' }, body);
    assert.ok(isCurrent(stored(), wanted));
    assert.ok(!isCurrent(stored(misconfigurationReportMetadata(options({ resourceSpecHash: 'x' }))), wanted));
    assert.ok(!isCurrent(stored(misconfigurationReportMetadata(options({ pluginConfigHash: 'x' }))), wanted));
    assert.ok(!isCurrent(stored(misconfigurationReportMetadata(options({ reportTtlMs: null }))), wanted));
    assert.ok(!isCurrent(stored(misconfigurationReportMetadata(options({ additionalLabels: {} }))), wanted));
    const recreatedOwner = options();
    recreatedOwner.owner = { ...recreatedOwner.owner, uid: 'uid-2' };
    assert.ok(!isCurrent(stored(misconfigurationReportMetadata(recreatedOwner)), wanted));
    // A user's own annotation on the report does not make it stale.
    const annotated: AnyReport = stored();
    annotated.metadata.annotations = { ...annotated.metadata.annotations, note: 'reviewed' };
    assert.ok(isCurrent(annotated, wanted));
  });
});

describe('audited kinds and report routing', () => {
  const env = {
    targetWorkloads: ['Pod', 'ReplicaSet', 'CronJob'] as never,
    rbacAssessmentScannerEnabled: true,
  };

  it('audits workloads only among the target workloads, never Deployments, and Roles only with RBAC on', () => {
    const supported = [
      'Pod',
      'ReplicaSet',
      'StatefulSet',
      'Deployment',
      'Service',
      'Role',
      'ClusterRole',
    ] as const;
    assert.deepEqual([...auditedKinds(supported, env)].sort(), [
      'ClusterRole',
      'Pod',
      'ReplicaSet',
      'Role',
      'Service',
    ]);
    assert.deepEqual([...auditedKinds(supported, { ...env, rbacAssessmentScannerEnabled: false })].sort(), [
      'Pod',
      'ReplicaSet',
      'Service',
    ]);
  });

  it('routes Roles to RBAC assessments unless merged, cluster-scoped kinds to Cluster* reports', () => {
    assert.equal(reportKindFor('Role', false), 'RbacAssessmentReport');
    assert.equal(reportKindFor('ClusterRole', false), 'ClusterRbacAssessmentReport');
    assert.equal(reportKindFor('Role', true), 'ConfigAuditReport');
    assert.equal(reportKindFor('ClusterRole', true), 'ClusterConfigAuditReport');
    assert.equal(reportKindFor('ClusterRoleBinding', false), 'ClusterConfigAuditReport');
    assert.equal(reportKindFor('CustomResourceDefinition', false), 'ClusterConfigAuditReport');
    assert.equal(reportKindFor('PersistentVolume', false), 'ClusterConfigAuditReport');
    assert.equal(reportKindFor('RoleBinding', false), 'ConfigAuditReport');
    assert.equal(reportKindFor('ReplicaSet', true), 'ConfigAuditReport');
  });

  it('names the report kinds the metrics read', () => {
    assert.deepEqual(
      configAuditReportKinds({ configAuditScannerEnabled: true, rbacAssessmentScannerEnabled: true }),
      [
        'ConfigAuditReport',
        'ClusterConfigAuditReport',
        'RbacAssessmentReport',
        'ClusterRbacAssessmentReport',
      ],
    );
    assert.deepEqual(
      configAuditReportKinds({ configAuditScannerEnabled: false, rbacAssessmentScannerEnabled: true }),
      [],
    );
  });
});
