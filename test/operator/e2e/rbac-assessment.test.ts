import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Operator } from '../../../src/operator/operator.ts';
import {
  applyTrivyConfig,
  eventually,
  fixtureDb,
  getItems,
  operatorEnv,
  operatorNamespace,
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../harness.ts';

interface Report {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      controller: boolean;
      blockOwnerDeletion: boolean;
    }[];
  };
  report: {
    updateTimestamp?: string;
    summary: { criticalCount: number; highCount: number; mediumCount: number; lowCount: number };
    checks: { checkID: string; title: string; severity: string; messages?: string[]; success: boolean }[];
  };
}

const wildcardRule = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };

const clusterRole = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules: [wildcardRule],
});

const policies = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'trivy-operator-policies-config', namespace: operatorNamespace },
  data,
});

/** A custom check for ClusterRoles only: every ClusterRole must say which team owns it. */
const teamLabelPolicy = {
  'policy.team_label.kinds': 'ClusterRole',
  'policy.team_label.id': 'ORG-0001',
  'policy.team_label.title': 'ClusterRole without an owning team',
  'policy.team_label.severity': 'MEDIUM',
  'policy.team_label.description': 'Every ClusterRole names the team that owns it.',
  'policy.team_label.remediation': 'Add the label team=<name>.',
  'policy.team_label.expression': "!has(object.metadata.labels) || !('team' in object.metadata.labels)",
  'policy.team_label.message': "{kind} '{name}' has no team label",
};

const checkSummary = (report: Report) =>
  report.report.checks.map((check) => [check.checkID, check.severity, check.success, check.messages ?? []]);

describe('operator: RBAC assessment and custom checks', () => {
  let world: World;
  let operator: Operator | undefined;
  const env = (extra: Record<string, string> = {}) =>
    operatorEnv(world, {
      OPERATOR_SCAN_MODE: 'Inline',
      OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'false',
      OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED: 'false',
      OPERATOR_SBOM_GENERATION_ENABLED: 'false',
      OPERATOR_SCANNER_REPORT_TTL: '24h',
      OPERATOR_BATCH_DELETE_LIMIT: '1',
      OPERATOR_BATCH_DELETE_DELAY: '200ms',
      ...extra,
    });
  const restart = async (extra: Record<string, string> = {}) => {
    await operator?.stop();
    operator = await startOperator(world, env(extra));
  };
  const clusterReports = () => getItems<Report>(world, 'clusterrbacassessmentreports');
  const clusterReport = async (name: string) =>
    (await clusterReports()).find((report) => report.metadata.name === name);
  const roleReport = async (kind: string, name: string) =>
    (await getItems<Report>(world, kind, 'team')).find((report) => report.metadata.name === name);

  before(async () => {
    world = await startWorld();
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    await world.kubectl(['create', 'namespace', 'team']);
    await world.apply(
      clusterRole('wildcard-admin'),
      clusterRole('wildcard.example.com'),
      clusterRole('system:wildcard'),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'everything', namespace: 'team' },
        rules: [wildcardRule],
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'api', namespace: 'team' },
        spec: { selector: { app: 'api' }, ports: [{ port: 8080 }] },
      },
    );
    await restart();
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('a ClusterRole with * verbs on * resources gets the findings the catalogue predicts', async () => {
    const report = await eventually('clusterrole-wildcard-admin', () =>
      clusterReport('clusterrole-wildcard-admin'),
    );
    assert.equal(report.kind, 'ClusterRbacAssessmentReport');
    assert.deepEqual(checkSummary(report), [
      ['KSV044', 'CRITICAL', false, ['Role permits wildcard verb on wildcard resource']],
      ['KSV046', 'CRITICAL', false, ["ClusterRole 'wildcard-admin' shouldn't manage all resources"]],
    ]);
    assert.deepEqual(
      report.report.checks.map((check) => check.title),
      ['No wildcard verb and resource roles', 'Manage all resources'],
    );
    assert.deepEqual(report.report.summary, { criticalCount: 2, highCount: 0, mediumCount: 0, lowCount: 0 });
    assert.equal(report.report.updateTimestamp, undefined, 'RBAC assessments have no updateTimestamp');
    assert.equal(report.metadata.namespace, undefined);
    assert.equal(report.metadata.labels['trivy-operator.resource.kind'], 'ClusterRole');
    assert.equal(report.metadata.labels['trivy-operator.resource.name'], 'wildcard-admin');
    assert.equal(report.metadata.labels['trivy-operator.resource.namespace'], '');
    assert.equal(
      report.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'],
      undefined,
      'cluster-scoped reports carry no TTL',
    );
    assert.deepEqual(
      report.metadata.ownerReferences.map((owner) => [owner.apiVersion, owner.kind, owner.name]),
      [['rbac.authorization.k8s.io/v1', 'ClusterRole', 'wildcard-admin']],
    );
    assert.equal(report.metadata.ownerReferences[0]!.blockOwnerDeletion, false);

    const page = await (await fetch(`http://127.0.0.1:${operator!.metricsPort}/metrics`)).text();
    const critical = page
      .split('\n')
      .find(
        (line) =>
          line.startsWith('trivy_clusterrole_clusterrbacassessments{') &&
          line.includes('name="clusterrole-wildcard-admin"') &&
          line.includes('severity="Critical"'),
      );
    assert.equal(critical?.split(' ').pop(), '2', page.slice(0, 2000));
  });

  it('a ClusterRole whose name is no DNS label (dotted, system:) gets a hashed name; a Role gets role-<name>', async () => {
    const hashed = await eventually('the dotted ClusterRole report', async () =>
      (await clusterReports()).find(
        (report) => report.metadata.labels['trivy-operator.resource.name'] === 'wildcard.example.com',
      ),
    );
    assert.match(hashed.metadata.name, /^clusterrole-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.deepEqual(
      hashed.report.checks.map((check) => check.checkID),
      ['KSV044', 'KSV046'],
    );

    // `system:` names cannot be label values: the label carries their hash, an annotation the name.
    const system = await eventually('the system: ClusterRole report', async () =>
      (await clusterReports()).find(
        (report) => report.metadata.annotations?.['trivy-operator.resource.name'] === 'system:wildcard',
      ),
    );
    assert.match(system.metadata.name, /^clusterrole-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(system.metadata.labels['trivy-operator.resource.name'], undefined);
    assert.ok(system.metadata.labels['trivy-operator.resource.name-hash']);
    assert.deepEqual(
      system.report.checks.map((check) => check.checkID),
      ['KSV044', 'KSV046'],
    );

    const role = await eventually('role-everything', () =>
      roleReport('rbacassessmentreports', 'role-everything'),
    );
    assert.equal(role.kind, 'RbacAssessmentReport');
    assert.deepEqual(checkSummary(role), [
      ['KSV044', 'CRITICAL', false, ['Role permits wildcard verb on wildcard resource']],
      [
        'KSV112',
        'CRITICAL',
        false,
        ["Role 'everything' shouldn't manage all resources at the namespace 'team'"],
      ],
    ]);
    assert.equal(role.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'], '24h0m0s');
    const out = await world.kubectl(['get', 'rbacassessmentreports', '-n', 'team', '-o', 'wide']);
    assert.match(out, /role-everything\s+Trivy\s+\S+\s+2\s+0\s+0\s+0/);
  });

  it('a custom check for ClusterRoles appears in ClusterRole reports only, in bounded batches', async () => {
    await operator!.configAudit!.idle();
    const role = (await roleReport('rbacassessmentreports', 'role-everything'))!;
    const service = await eventually('the Service report', () =>
      roleReport('configauditreports', 'service-api'),
    );
    const batchesBefore = operator!.configAudit!.rolloutBatches;

    await world.apply(policies(teamLabelPolicy));
    const withCustom = await eventually('the custom check in the three ClusterRole reports', async () => {
      const reports = await clusterReports();
      return reports.length === 3 &&
        reports.every((report) => report.report.checks.some((c) => c.checkID === 'ORG-0001'))
        ? reports
        : undefined;
    });
    const admin = withCustom.find((report) => report.metadata.name === 'clusterrole-wildcard-admin')!;
    assert.deepEqual(
      admin.report.checks.find((check) => check.checkID === 'ORG-0001'),
      {
        checkID: 'ORG-0001',
        title: 'ClusterRole without an owning team',
        description: 'Every ClusterRole names the team that owns it.',
        severity: 'MEDIUM',
        category: 'Kubernetes Security Check',
        messages: ["ClusterRole 'wildcard-admin' has no team label"],
        remediation: 'Add the label team=<name>.',
        success: false,
      },
    );
    assert.equal(admin.report.summary.mediumCount, 1);
    // Batches of OPERATOR_BATCH_DELETE_LIMIT=1: one per ClusterRole.
    await operator!.configAudit!.idle();
    assert.ok(operator!.configAudit!.rolloutBatches - batchesBefore >= 3);
    // Reports of other kinds were not touched.
    assert.equal(
      (await roleReport('rbacassessmentreports', 'role-everything'))!.metadata.resourceVersion,
      role.metadata.resourceVersion,
    );
    assert.equal(
      (await roleReport('configauditreports', 'service-api'))!.metadata.resourceVersion,
      service.metadata.resourceVersion,
    );

    // The custom check passes once the ClusterRole is labelled (recordFailedChecksOnly: it disappears).
    await world.apply(clusterRole('wildcard-admin', { team: 'platform' }));
    await eventually('the custom check passing', async () => {
      const report = await clusterReport('clusterrole-wildcard-admin');
      return report && !report.report.checks.some((check) => check.checkID === 'ORG-0001');
    });
  });

  it('a broken custom check is reported as an Event and stops nothing else', async () => {
    await world.apply(
      policies({
        ...teamLabelPolicy,
        'policy.broken.kinds': 'ClusterRole',
        'policy.broken.id': 'ORG-0002',
        'policy.broken.title': 'Broken',
        'policy.broken.severity': 'HIGH',
        'policy.broken.expression': 'object.metadata.name ==',
        'policy.broken.message': 'never',
        'policy.fails_at_run_time.kinds': 'ClusterRole',
        'policy.fails_at_run_time.id': 'ORG-0003',
        'policy.fails_at_run_time.title': 'Reads a field without has()',
        'policy.fails_at_run_time.severity': 'LOW',
        'policy.fails_at_run_time.expression': 'object.metadata.labels.owner == "x"',
        'policy.fails_at_run_time.message': 'never',
      }),
    );
    const events = await eventually('Warning Events on the policies ConfigMap', async () => {
      const items = await getItems<{
        reason: string;
        type: string;
        message: string;
        involvedObject: { kind: string; name: string };
      }>(world, 'events', operatorNamespace);
      const found = items.filter((event) => event.involvedObject.name === 'trivy-operator-policies-config');
      return found.some((event) => event.reason === 'InvalidCustomCheck') &&
        found.some((event) => event.reason === 'CustomCheckFailed')
        ? found
        : undefined;
    });
    const invalid = events.find((event) => event.reason === 'InvalidCustomCheck')!;
    assert.equal(invalid.type, 'Warning');
    assert.match(invalid.message, /custom check "broken": \.expression is not valid CEL/);
    const failed = events.find((event) => event.reason === 'CustomCheckFailed')!;
    assert.match(failed.message, /custom check ORG-0003 could not be evaluated on ClusterRole/);
    assert.deepEqual(operator!.configAudit!.customChecks.problems.length, 1);

    // Built-in checks and the working custom check still run on a new ClusterRole.
    await world.apply(clusterRole('late'));
    const late = await eventually('clusterrole-late', () => clusterReport('clusterrole-late'));
    assert.deepEqual(
      late.report.checks.map((check) => check.checkID),
      ['KSV044', 'KSV046', 'ORG-0001'],
    );
  });

  it('with OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT the findings move into config audit reports', async () => {
    await restart({ OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT: 'true' });
    const merged = await eventually('role-everything as a ConfigAuditReport', () =>
      roleReport('configauditreports', 'role-everything'),
    );
    assert.deepEqual(
      merged.report.checks.map((check) => check.checkID),
      ['KSV044', 'KSV112'],
    );
    assert.ok(merged.report.updateTimestamp);
    await eventually(
      'the RbacAssessmentReport removed',
      async () => !(await roleReport('rbacassessmentreports', 'role-everything')),
    );
    const clusterMerged = await eventually(
      'clusterrole-wildcard-admin as a ClusterConfigAuditReport',
      async () =>
        (await getItems<Report>(world, 'clusterconfigauditreports')).find(
          (report) => report.metadata.name === 'clusterrole-wildcard-admin',
        ),
    );
    assert.equal(clusterMerged.kind, 'ClusterConfigAuditReport');
    await eventually(
      'no ClusterRbacAssessmentReport left',
      async () => (await clusterReports()).length === 0,
    );
  });

  it('ConfigMaps, once listed in trivy.supportedConfigAuditKinds, are audited from data the cache never holds', async () => {
    await world.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-settings', namespace: 'team' },
      data: { 'db.password': 'hunter2', greeting: 'hello' },
    });
    await operator!.configAudit!.idle();
    assert.equal(
      await roleReport('configauditreports', 'configmap-app-settings'),
      undefined,
      'not audited by default',
    );
    await applyTrivyConfig(
      world,
      trivyConfigData(world, {
        'trivy.supportedConfigAuditKinds': 'Workload,Service,Role,ClusterRole,ConfigMap',
      }),
    );
    const report = await eventually('configmap-app-settings', () =>
      roleReport('configauditreports', 'configmap-app-settings'),
    );
    assert.deepEqual(
      report.report.checks.map((check) => [check.checkID, check.messages]),
      [
        [
          'AVD-KSV-0109',
          [
            "ConfigMap 'app-settings' in 'team' namespace stores secrets in key(s) or value(s) '{\"db.password\"}'",
          ],
        ],
      ],
    );
  });

  it('with OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED=false Roles are not assessed', async () => {
    await restart({ OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED: 'false' });
    await world.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'late-role', namespace: 'team' },
      rules: [wildcardRule],
    });
    await world.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'late-service', namespace: 'team' },
      spec: { selector: { app: 'api' }, ports: [{ port: 8080 }] },
    });
    await eventually('the new Service audited', () =>
      roleReport('configauditreports', 'service-late-service'),
    );
    await operator!.configAudit!.idle();
    assert.equal(await roleReport('configauditreports', 'role-late-role'), undefined);
    assert.equal(await roleReport('rbacassessmentreports', 'role-late-role'), undefined);
  });
});
