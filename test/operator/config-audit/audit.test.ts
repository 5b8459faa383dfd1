import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCheck } from '../../../src/checks/registry.ts';
import { auditObject } from '../../../src/operator/config-audit/audit.ts';
import { auditDocument } from '../../../src/operator/config-audit/audit-input.ts';
import { customCheckEntries } from '../../../src/operator/config-audit/custom-checks-source.ts';
import {
  CheckSet,
  configAuditBuiltInChecks,
  reportCheckId,
  type CheckSetOptions,
  type CustomCheckEntry,
} from '../../../src/operator/config-audit/check-set.ts';

const allSeverities = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

const checkSet = (options: Partial<CheckSetOptions> = {}) =>
  new CheckSet({
    custom: [],
    severities: allSeverities,
    recordFailedChecksOnly: true,
    context: { clusterVersion: 'v1.32.0' },
    engineVersion: '0.1.0',
    ...options,
  });

function customEntries(data: Record<string, string>): CustomCheckEntry[] {
  const { entries, problems } = customCheckEntries(data);
  assert.deepEqual(problems, []);
  return entries;
}

const serviceCheck = (id: string, expression = 'true') => ({
  [`policy.${id}.kinds`]: 'Service',
  [`policy.${id}.id`]: id,
  [`policy.${id}.title`]: `title ${id}`,
  [`policy.${id}.severity`]: 'HIGH',
  [`policy.${id}.expression`]: expression,
  [`policy.${id}.message`]: "{kind} '{name}' fails",
});

/** The ReplicaSet a Deployment controller makes of the naive nginx Deployment (kind-lab-ownership.md). */
const naiveReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'naive-75bc9f99c5', namespace: 'default', uid: 'x' },
  spec: {
    replicas: 1,
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.20',
            resources: { limits: { memory: '128Mi', cpu: '500m' } },
            ports: [{ containerPort: 80 }],
          },
        ],
      },
    },
  },
};

describe('reportCheckId', () => {
  it('is the legacy short ID when there is one (contract §1.7), else the AVD ID', () => {
    assert.equal(reportCheckId(findCheck('KSV-0003')!), 'KSV003');
    assert.equal(reportCheckId(findCheck('KSV-0125')!), 'KSV0125');
    assert.equal(reportCheckId(findCheck('KSV-0108')!), 'AVD-KSV-0108');
    assert.equal(reportCheckId(findCheck('KSV-01010')!), 'AVD-KSV-01010');
  });

  it('leaves deprecated and infrastructure checks out of the config audit', () => {
    assert.ok(configAuditBuiltInChecks.every((check) => !check.deprecated && !check.id.startsWith('KCV')));
    assert.ok(!configAuditBuiltInChecks.includes(findCheck('KSV-0032')!));
  });
});

describe('CheckSet', () => {
  it('gives each kind its own plugin-config-hash; a custom check changes only the kinds it applies to', () => {
    const before = checkSet();
    const after = checkSet({ custom: customEntries(serviceCheck('ORG-1')) });
    assert.deepEqual(after.changedKinds(before, ['Service', 'Role', 'ReplicaSet']), ['Service']);
    assert.equal(after.forKind('Role').hash, before.forKind('Role').hash);
    assert.deepEqual(
      after.forKind('Service').custom.map((check) => check.id),
      ['ORG-1'],
    );
  });

  it('changes every hash when what shapes all reports changes', () => {
    const base = checkSet();
    for (const other of [
      checkSet({ severities: ['HIGH', 'CRITICAL'] }),
      checkSet({ recordFailedChecksOnly: false }),
      checkSet({ context: { clusterVersion: 'v1.33.1' } }),
      checkSet({ engineVersion: '0.2.0' }),
    ]) {
      assert.deepEqual(other.changedKinds(base, ['Service', 'Role']), ['Service', 'Role']);
    }
    assert.deepEqual(checkSet().changedKinds(base, ['Service', 'Role']), []);
  });

  it('notices an edited custom check even when only its message template changed', () => {
    const a = checkSet({ custom: customEntries(serviceCheck('ORG-1')) });
    const edited = { ...serviceCheck('ORG-1'), 'policy.ORG-1.message': 'another text' };
    const b = checkSet({ custom: customEntries(edited) });
    assert.deepEqual(b.changedKinds(a, ['Service']), ['Service']);
    // Another policy's edit does not touch this one's hash.
    const withOther = customEntries({ ...serviceCheck('ORG-1'), ...serviceCheck('ORG-2') });
    const otherEdited = customEntries({ ...serviceCheck('ORG-1'), ...serviceCheck('ORG-2', 'false') });
    assert.equal(withOther[0]!.definitionHash, otherEdited[0]!.definitionHash);
    assert.notEqual(withOther[1]!.definitionHash, otherEdited[1]!.definitionHash);
  });
});

describe('auditObject', () => {
  const document = auditDocument(naiveReplicaSet, 'ReplicaSet', 'apps/v1');

  it('reports the failed checks of the naive ReplicaSet with legacy IDs, and counts them by severity', () => {
    const outcome = auditObject(document, 'ReplicaSet', checkSet());
    assert.deepEqual(
      outcome.checks.map((check) => check.checkID),
      [
        'KSV001',
        'KSV003',
        'KSV004',
        'KSV012',
        'KSV014',
        'KSV015',
        'KSV016',
        'KSV020',
        'KSV021',
        'KSV030',
        'KSV104',
        'KSV106',
        'KSV110',
        'KSV117',
        'KSV118',
      ],
    );
    assert.ok(
      outcome.checks.every((check) => !check.success && check.category === 'Kubernetes Security Check'),
    );
    assert.deepEqual(outcome.summary, { criticalCount: 0, highCount: 2, mediumCount: 4, lowCount: 9 });
    const ksv110 = outcome.checks.find((check) => check.checkID === 'KSV110')!;
    assert.deepEqual(ksv110.messages, [
      'replicaset naive-75bc9f99c5 in default namespace should set metadata.namespace to a non-default namespace',
    ]);
  });

  it('keeps only the severities of trivy.severity, in the checks and in the counts', () => {
    const outcome = auditObject(document, 'ReplicaSet', checkSet({ severities: ['HIGH', 'CRITICAL'] }));
    assert.deepEqual(
      outcome.checks.map((check) => check.checkID),
      ['KSV014', 'KSV118'],
    );
    assert.deepEqual(outcome.summary, { criticalCount: 0, highCount: 2, mediumCount: 0, lowCount: 0 });
  });

  it('lists passed checks too with report.recordFailedChecksOnly=false, without messages, not counted', () => {
    const outcome = auditObject(document, 'ReplicaSet', checkSet({ recordFailedChecksOnly: false }));
    const passed = outcome.checks.filter((check) => check.success);
    assert.ok(passed.length > 20);
    assert.ok(passed.every((check) => check.messages === undefined));
    assert.ok(
      passed.some((check) => check.checkID === 'KSV013'),
      'nginx:1.20 has a tag',
    );
    assert.deepEqual(outcome.summary, { criticalCount: 0, highCount: 2, mediumCount: 4, lowCount: 9 });
  });

  it('returns a custom check that fails to evaluate as an error, and keeps every other result', () => {
    const custom = customEntries({
      ...serviceCheck('ORG-OK', "object.metadata.name == 'front'"),
      ...serviceCheck('ORG-BAD', "object.metadata.labels.team == 'x'"),
    });
    const service = auditDocument(
      { metadata: { name: 'front', namespace: 'web' }, spec: { externalName: 'example.com' } },
      'Service',
      'v1',
    );
    const outcome = auditObject(service, 'Service', checkSet({ custom }));
    assert.deepEqual(
      outcome.checks.map((check) => [check.checkID, check.messages]),
      [
        ['AVD-KSV-0108', ["Service 'front' in 'web' namespace should not set external IPs or external Name"]],
        ['ORG-OK', ["Service 'front' fails"]],
      ],
    );
    assert.equal(outcome.errors.length, 1);
    assert.match(
      outcome.errors[0]!.message,
      /custom check ORG-BAD could not be evaluated on Service web\/front/,
    );
  });
});
