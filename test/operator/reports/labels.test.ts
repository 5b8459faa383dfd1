import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shortHash } from '../../../src/operator/kube/hash.ts';
import {
  historicalReportAnnotations,
  imageReportMetadata,
  ownerLabels,
  reportAnnotations,
  reportLabels,
  selectorForOwner,
} from '../../../src/operator/reports/labels.ts';
import type { ReportKind } from '../../../src/operator/reports/types.ts';
import { matchesLabels, parseLabelSelector } from '../../emulator/server/selectors.ts';
import { replicaSet } from '../kube/workloads.ts';

const longName = 'payments-api-with-a-really-long-replicaset-name-for-testing-7f9c8d6b5';

describe('reportLabels', () => {
  it('writes the upstream labels of an image report', () => {
    assert.deepEqual(
      reportLabels({
        owner: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-6d4cf56db6' },
        containerName: 'web',
        resourceSpecHash: '5668c4b796',
      }),
      {
        'app.kubernetes.io/managed-by': 'trivy-operator',
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': 'web-6d4cf56db6',
        'trivy-operator.resource.namespace': 'shop',
        'trivy-operator.container.name': 'web',
        'resource-spec-hash': '5668c4b796',
      },
    );
  });

  it('hashes an owner name that is not a valid label value', () => {
    const labels = reportLabels({ owner: { kind: 'ReplicaSet', namespace: 'shop', name: longName } });
    assert.equal(labels['trivy-operator.resource.name'], undefined);
    assert.equal(labels['trivy-operator.resource.name-hash'], shortHash(longName));
  });

  it('writes an empty namespace for cluster-scoped owners', () => {
    assert.equal(
      ownerLabels({ kind: 'Node', namespace: '', name: 'kind-control-plane' })[
        'trivy-operator.resource.namespace'
      ],
      '',
    );
  });

  it('copies report.resourceLabels present on the owner and adds report.additionalLabels', () => {
    const labels = reportLabels({
      owner: {
        kind: 'ReplicaSet',
        namespace: 'shop',
        name: 'web-1',
        labels: { team: 'payments', app: 'web', tier: 'front' },
      },
      resourceLabels: ['team', 'cost-center', 'app'],
      additionalLabels: { env: 'prod', 'cluster.acme.io/name': 'eu-1' },
    });
    assert.equal(labels.team, 'payments');
    assert.equal(labels.app, 'web');
    assert.equal(labels.tier, undefined, 'only listed keys are copied');
    assert.equal(Object.hasOwn(labels, 'cost-center'), false, 'absent keys are not invented');
    assert.equal(labels.env, 'prod');
    assert.equal(labels['cluster.acme.io/name'], 'eu-1');
  });

  it("keeps the operator's labels when user labels use the same keys (upstream gap #19)", () => {
    const labels = reportLabels({
      owner: {
        kind: 'ReplicaSet',
        namespace: 'shop',
        name: 'web-1',
        labels: { 'trivy-operator.resource.name': 'spoofed', 'app.kubernetes.io/managed-by': 'helm' },
      },
      containerName: 'web',
      resourceSpecHash: 'abc',
      resourceLabels: ['trivy-operator.resource.name', 'app.kubernetes.io/managed-by'],
      additionalLabels: {
        'resource-spec-hash': 'user',
        'trivy-operator.container.name': 'user',
        'trivy-operator.resource.kind': 'Pod',
      },
    });
    assert.equal(labels['trivy-operator.resource.name'], 'web-1');
    assert.equal(labels['app.kubernetes.io/managed-by'], 'trivy-operator');
    assert.equal(labels['resource-spec-hash'], 'abc');
    assert.equal(labels['trivy-operator.container.name'], 'web');
    assert.equal(labels['trivy-operator.resource.kind'], 'ReplicaSet');
  });
});

describe('reportAnnotations', () => {
  const owner = { kind: 'ReplicaSet', namespace: 'shop', name: 'web-1' };
  const withTtl: Array<[ReportKind, boolean]> = [
    ['VulnerabilityReport', true],
    ['ConfigAuditReport', true],
    ['RbacAssessmentReport', true],
    ['InfraAssessmentReport', true],
    ['ClusterSbomReport', true],
    ['ExposedSecretReport', false],
    ['SbomReport', false],
    ['ClusterConfigAuditReport', false],
    ['ClusterRbacAssessmentReport', false],
  ];
  for (const [kind, carries] of withTtl) {
    it(`${kind} ${carries ? 'carries' : 'does not carry'} report-ttl`, () => {
      const annotations = reportAnnotations({ kind, owner, reportTtlMs: 24 * 3_600_000 });
      assert.deepEqual(
        annotations,
        carries ? { 'trivy-operator.aquasecurity.github.io/report-ttl': '24h0m0s' } : {},
      );
    });
  }

  it('omits report-ttl when TTLs are disabled', () => {
    assert.deepEqual(reportAnnotations({ kind: 'VulnerabilityReport', owner }), {});
    assert.deepEqual(reportAnnotations({ kind: 'VulnerabilityReport', owner, reportTtlMs: null }), {});
  });

  it('keeps the real owner name when the label holds its hash', () => {
    assert.deepEqual(reportAnnotations({ kind: 'SbomReport', owner: { ...owner, name: longName } }), {
      'trivy-operator.resource.name': longName,
    });
  });

  it('writes the TTL as a Go duration string', () => {
    const cases: Array<[number, string]> = [
      [24 * 3_600_000, '24h0m0s'],
      [120 * 3_600_000, '120h0m0s'],
      [90 * 60_000, '1h30m0s'],
      [0, '0s'],
    ];
    for (const [ms, text] of cases) {
      assert.deepEqual(reportAnnotations({ kind: 'VulnerabilityReport', owner, reportTtlMs: ms }), {
        'trivy-operator.aquasecurity.github.io/report-ttl': text,
      });
    }
    assert.throws(
      () => reportAnnotations({ kind: 'VulnerabilityReport', owner, reportTtlMs: -1 }),
      /0 or more/,
    );
  });

  it('marks historical reports with a zero TTL', () => {
    assert.deepEqual(historicalReportAnnotations(), {
      'trivy-operator.aquasecurity.github.io/report-ttl': '0s',
    });
  });
});

describe('selectorForOwner', () => {
  const owners = [
    { kind: 'ReplicaSet', namespace: 'shop', name: 'web-6d4cf56db6' },
    { kind: 'ReplicaSet', namespace: 'shop', name: longName },
    { kind: 'Node', namespace: '', name: 'kind-control-plane' },
  ];

  it('selects exactly the reports of its owner (checked with the emulator selector parser)', () => {
    for (const owner of owners) {
      const selector = parseLabelSelector(selectorForOwner(owner));
      for (const other of owners) {
        const labels = reportLabels({
          owner: other,
          containerName: 'web',
          additionalLabels: { env: 'prod' },
        });
        assert.equal(
          matchesLabels(selector, labels),
          other === owner,
          `${selectorForOwner(owner)} vs ${other.name}`,
        );
      }
      const sameNameOtherNamespace = reportLabels({ owner: { ...owner, namespace: 'other' } });
      assert.equal(matchesLabels(selector, sameNameOtherNamespace), false);
    }
  });

  it('is the kubectl -l form', () => {
    assert.equal(
      selectorForOwner(owners[0]!),
      'trivy-operator.resource.kind=ReplicaSet,trivy-operator.resource.name=web-6d4cf56db6,trivy-operator.resource.namespace=shop',
    );
  });
});

describe('imageReportMetadata', () => {
  it('assembles name, namespace, labels, TTL and the owner reference', () => {
    const metadata = imageReportMetadata({
      kind: 'VulnerabilityReport',
      owner: { kind: 'ReplicaSet', object: replicaSet() },
      containerName: 'web',
      resourceSpecHash: '5668c4b796',
      resourceLabels: ['team'],
      additionalLabels: { env: 'prod' },
      reportTtlMs: 24 * 3_600_000,
    });
    assert.deepEqual(metadata, {
      name: 'replicaset-web-6d4cf56db6-web',
      namespace: 'shop',
      labels: {
        env: 'prod',
        team: 'payments',
        'app.kubernetes.io/managed-by': 'trivy-operator',
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': 'web-6d4cf56db6',
        'trivy-operator.resource.namespace': 'shop',
        'trivy-operator.container.name': 'web',
        'resource-spec-hash': '5668c4b796',
      },
      annotations: { 'trivy-operator.aquasecurity.github.io/report-ttl': '24h0m0s' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-6d4cf56db6',
          uid: 'uid-web-6d4cf56db6',
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    });
  });
});
