import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Operator } from '../../../src/operator/operator.ts';
import {
  applyTrivyConfig,
  eventually,
  fixtureDb,
  getItems,
  operatorEnv,
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../harness.ts';
import { NAIVE_NGINX_DEPLOYMENT } from '../../support/kind-lab.ts';

interface Check {
  checkID: string;
  title: string;
  description: string;
  severity: string;
  category: string;
  messages?: string[];
  remediation: string;
  success: boolean;
}

interface Report {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: boolean;
      blockOwnerDeletion: boolean;
    }[];
  };
  report: {
    updateTimestamp?: string;
    scanner: { name: string; vendor: string; version: string };
    summary: { criticalCount: number; highCount: number; mediumCount: number; lowCount: number };
    checks: Check[];
  };
}

/** The same Deployment hardened after its report: own namespace, non-root, read-only, no capabilities, seccomp. */
const hardenedDeployment = `apiVersion: v1
kind: Namespace
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hardened
  namespace: web
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10101
        runAsGroup: 10101
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: nginx
        image: nginx:1.20
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        resources:
          requests:
            memory: "64Mi"
            cpu: "100m"
          limits:
            memory: "128Mi"
            cpu: "500m"
        ports:
        - containerPort: 8080
`;

/**
 * What the catalogue (k8s-checks-catalogue.md §1.1) predicts for the naive Deployment's ReplicaSet: every check
 * that fails on a container without securityContext or requests, in `default`, listening on port 80.
 */
function naiveExpectations(
  rs: string,
): Record<string, { severity: string; title: string; messages: string[] }> {
  const container = (what: string) => `Container 'nginx' of ReplicaSet '${rs}' should ${what}`;
  return {
    KSV001: {
      severity: 'MEDIUM',
      title: 'Can elevate its own privileges',
      messages: [container("set 'securityContext.allowPrivilegeEscalation' to false")],
    },
    KSV003: {
      severity: 'LOW',
      title: 'Default capabilities: some containers do not drop all',
      messages: [container("add 'ALL' to 'securityContext.capabilities.drop'")],
    },
    KSV004: {
      severity: 'LOW',
      title: 'Default capabilities: some containers do not drop any',
      messages: [
        `Container 'nginx' of 'replicaset' '${rs}' in 'default' namespace should set securityContext.capabilities.drop`,
      ],
    },
    KSV012: {
      severity: 'MEDIUM',
      title: 'Runs as root user',
      messages: [container("set 'securityContext.runAsNonRoot' to true")],
    },
    KSV014: {
      severity: 'HIGH',
      title: 'Root file system is not read-only',
      messages: [container("set 'securityContext.readOnlyRootFilesystem' to true")],
    },
    KSV015: {
      severity: 'LOW',
      title: 'CPU requests not specified',
      messages: [container("set 'resources.requests.cpu'")],
    },
    KSV016: {
      severity: 'LOW',
      title: 'Memory requests not specified',
      messages: [container("set 'resources.requests.memory'")],
    },
    KSV020: {
      severity: 'LOW',
      title: 'Runs with UID <= 10000',
      messages: [container("set 'securityContext.runAsUser' > 10000")],
    },
    KSV021: {
      severity: 'LOW',
      title: 'Runs with GID <= 10000',
      messages: [container("set 'securityContext.runAsGroup' > 10000")],
    },
    KSV030: {
      severity: 'LOW',
      title: 'Runtime/Default Seccomp profile not set',
      messages: [
        "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'",
      ],
    },
    KSV104: {
      severity: 'MEDIUM',
      title: 'Seccomp policies disabled',
      messages: [
        `container "nginx" of replicaset "${rs}" in "default" namespace should specify a seccomp profile`,
      ],
    },
    KSV106: {
      severity: 'LOW',
      title: 'Container capabilities must only include NET_BIND_SERVICE',
      messages: ['container should drop all'],
    },
    KSV110: {
      severity: 'LOW',
      title: 'Workloads in the default namespace',
      messages: [
        `replicaset ${rs} in default namespace should set metadata.namespace to a non-default namespace`,
      ],
    },
    KSV117: {
      severity: 'MEDIUM',
      title: 'Prevent binding to privileged ports',
      messages: [
        `replicaset ${rs} in default namespace should not set spec.template.spec.containers.ports.containerPort to less than 1024`,
      ],
    },
    KSV118: {
      severity: 'HIGH',
      title: 'Default security context configured',
      messages: [
        `replicaset ${rs} in default namespace is using the default security context, which allows root privileges`,
        `container ${rs} in default namespace is using the default security context`,
      ],
    },
  };
}

const writes = (operator: Operator) => {
  const { requests } = operator.client.stats;
  return (requests.POST ?? 0) + (requests.PUT ?? 0) + (requests.PATCH ?? 0) + (requests.DELETE ?? 0);
};

describe('operator: config audit of workloads (kind-lab-ownership.md)', () => {
  let world: World;
  let operator: Operator;
  const configAudits = (namespace: string) => getItems<Report>(world, 'configauditreports', namespace);
  const replicaSetOf = async (deployment: string, namespace: string) => {
    const items = await getItems<{
      metadata: { name: string; uid: string; ownerReferences?: { name: string }[] };
    }>(world, 'replicasets', namespace);
    return items.find((rs) => rs.metadata.ownerReferences?.[0]?.name === deployment);
  };
  const reportOf = async (rs: string, namespace: string) =>
    (await configAudits(namespace)).find((report) => report.metadata.name === `replicaset-${rs}`);

  before(async () => {
    world = await startWorld();
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    operator = await startOperator(
      world,
      operatorEnv(world, {
        OPERATOR_SCAN_MODE: 'Inline',
        OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'false',
        OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED: 'false',
        OPERATOR_SBOM_GENERATION_ENABLED: 'false',
        OPERATOR_SCANNER_REPORT_TTL: '24h',
      }),
    );
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('the naive nginx Deployment gets replicaset-naive-<hash> with the checks the catalogue predicts', async () => {
    await world.kubectl(['apply', '-f', '-'], NAIVE_NGINX_DEPLOYMENT);
    const rs = await eventually('the ReplicaSet', () => replicaSetOf('naive', 'default'));
    const report = await eventually('the ConfigAuditReport', () => reportOf(rs.metadata.name, 'default'));
    assert.match(report.metadata.name, /^replicaset-naive-[a-z0-9]+$/);

    assert.equal(report.metadata.labels['trivy-operator.resource.kind'], 'ReplicaSet');
    assert.equal(report.metadata.labels['trivy-operator.resource.name'], rs.metadata.name);
    assert.equal(report.metadata.labels['trivy-operator.resource.namespace'], 'default');
    assert.equal(report.metadata.labels['app.kubernetes.io/managed-by'], 'trivy-operator');
    assert.match(report.metadata.labels['resource-spec-hash'] ?? '', /^[a-z0-9]+$/);
    assert.match(report.metadata.labels['plugin-config-hash'] ?? '', /^[a-z0-9]+$/);
    assert.equal(
      report.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'],
      '24h0m0s',
    );
    assert.deepEqual(report.metadata.ownerReferences, [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rs.metadata.name,
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: false,
      },
    ]);
    assert.deepEqual(report.report.scanner, {
      name: 'Trivy',
      vendor: 'Aqua Security',
      version: report.report.scanner.version,
    });
    assert.ok(report.report.updateTimestamp);

    const expected = naiveExpectations(rs.metadata.name);
    assert.deepEqual(report.report.checks.map((check) => check.checkID).sort(), Object.keys(expected).sort());
    for (const check of report.report.checks) {
      const want = expected[check.checkID]!;
      assert.equal(check.success, false, check.checkID);
      assert.equal(check.severity, want.severity, check.checkID);
      assert.equal(check.title, want.title, check.checkID);
      assert.equal(check.category, 'Kubernetes Security Check');
      assert.ok(check.description.length > 0 && check.remediation.length > 0, check.checkID);
      assert.deepEqual([...(check.messages ?? [])].sort(), [...want.messages].sort(), check.checkID);
    }
    assert.deepEqual(report.report.summary, { criticalCount: 0, highCount: 2, mediumCount: 4, lowCount: 9 });
  });

  it('kubectl get configauditreports -o wide shows the counts', async () => {
    const rs = (await replicaSetOf('naive', 'default'))!;
    const out = await world.kubectl(['get', 'configauditreports', '-n', 'default', '-o', 'wide']);
    const [header = '', ...rows] = out.trim().split('\n');
    assert.deepEqual(header.split(/\s+/), ['NAME', 'SCANNER', 'AGE', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
    const row = rows
      .map((line) => line.split(/\s+/))
      .find((cells) => cells[0] === `replicaset-${rs.metadata.name}`);
    assert.ok(row, out);
    assert.equal(row[1], 'Trivy');
    assert.deepEqual(row.slice(3), ['0', '2', '4', '9']);
    // The short name works too, as users type it.
    assert.match(await world.kubectl(['get', 'configaudit', '-n', 'default']), /replicaset-naive-/);

    // The metrics read the same reports (`trivy_resource_configaudits`, contract §5).
    const page = await (await fetch(`http://127.0.0.1:${operator.metricsPort}/metrics`)).text();
    const series = page
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('trivy_resource_configaudits{') &&
          line.includes(`name="replicaset-${rs.metadata.name}"`),
      );
    const value = (severity: string) =>
      Number(
        series
          .find((line) => line.includes(`severity="${severity}"`))
          ?.split(' ')
          .pop(),
      );
    assert.deepEqual(['Critical', 'High', 'Medium', 'Low'].map(value), [0, 2, 4, 9], series.join('\n'));
    assert.ok(series.every((line) => line.includes('resource_kind="ReplicaSet"')));
  });

  it('the hardened version of the same Deployment passes every one of those checks', async () => {
    await world.kubectl(['apply', '-f', '-'], hardenedDeployment);
    const rs = await eventually('the hardened ReplicaSet', () => replicaSetOf('hardened', 'web'));
    const report = await eventually('its ConfigAuditReport', () => reportOf(rs.metadata.name, 'web'));
    const naiveIds = Object.keys(naiveExpectations(rs.metadata.name));
    const stillFailing = report.report.checks.filter((check) => naiveIds.includes(check.checkID));
    assert.deepEqual(stillFailing, []);
    assert.deepEqual(report.report.checks, [], 'no check fails at all');
    assert.deepEqual(report.report.summary, { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 0 });
  });

  it('a deleted or historical (report-ttl: 0s) report comes back, evaluated afresh', async () => {
    const rs = (await replicaSetOf('naive', 'default'))!;
    const before = (await reportOf(rs.metadata.name, 'default'))!;
    await world.kubectl([
      'annotate',
      'configauditreport',
      before.metadata.name,
      '-n',
      'default',
      '--overwrite',
      'trivy-operator.aquasecurity.github.io/report-ttl=0s',
    ]);
    const recreated = await eventually('the report deleted and written again', async () => {
      const found = await reportOf(rs.metadata.name, 'default');
      return found && found.metadata.uid !== before.metadata.uid ? found : undefined;
    });
    assert.equal(
      recreated.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'],
      '24h0m0s',
    );
    assert.deepEqual(recreated.report.summary, before.report.summary);

    await world.kubectl(['delete', 'configauditreport', recreated.metadata.name, '-n', 'default']);
    const again = await eventually('the deleted report written again', async () => {
      const found = await reportOf(rs.metadata.name, 'default');
      return found && found.metadata.uid !== recreated.metadata.uid ? found : undefined;
    });
    assert.deepEqual(again.report.checks, before.report.checks);
  });

  it('scaling the Deployment (replicas and revision bookkeeping on the ReplicaSet) rewrites no report', async () => {
    const rs = (await replicaSetOf('naive', 'default'))!;
    const before = (await reportOf(rs.metadata.name, 'default'))!;
    await operator.configAudit!.idle();
    const evaluations = operator.configAudit!.stats.evaluations;
    const upToDate = operator.configAudit!.stats.upToDate;
    await world.kubectl(['scale', 'deployment', 'naive', '-n', 'default', '--replicas=3']);
    await eventually('three pods', async () => {
      const pods = await getItems<{ metadata: { labels?: Record<string, string> } }>(
        world,
        'pods',
        'default',
      );
      return pods.filter((pod) => pod.metadata.labels?.app === 'nginx').length === 3;
    });
    await eventually(
      'the scaled ReplicaSet looked at again',
      () => operator.configAudit!.stats.upToDate > upToDate,
    );
    await operator.configAudit!.idle();
    assert.equal(operator.configAudit!.stats.evaluations, evaluations);
    const after = (await reportOf(rs.metadata.name, 'default'))!;
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('a status-only update evaluates nothing and writes nothing; a spec change rewrites the report', async () => {
    await world.kubectl(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Service
metadata:
  name: front
  namespace: web
spec:
  selector:
    app: nginx
  ports:
  - port: 80
`,
    );
    const report = await eventually('the Service report', async () =>
      (await configAudits('web')).find((item) => item.metadata.name === 'service-front'),
    );
    await operator.configAudit!.idle();
    const before = { writes: writes(operator), evaluations: operator.configAudit!.stats.evaluations };
    const upToDate = operator.configAudit!.stats.upToDate;

    await world.kubectl([
      'patch',
      'service',
      'front',
      '-n',
      'web',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}',
    ]);
    // The controller saw the change (it looked at the Service again) …
    await eventually('the status update reconciled', () => operator.configAudit!.stats.upToDate > upToDate);
    await operator.configAudit!.idle();
    // … and neither evaluated nor wrote anything.
    assert.equal(operator.configAudit!.stats.evaluations, before.evaluations);
    assert.equal(writes(operator), before.writes);
    const unchanged = (await configAudits('web')).find((item) => item.metadata.name === 'service-front')!;
    assert.equal(unchanged.metadata.resourceVersion, report.metadata.resourceVersion);

    // A real change of the spec is evaluated and written.
    await world.kubectl([
      'patch',
      'service',
      'front',
      '-n',
      'web',
      '--type=merge',
      '-p',
      '{"spec":{"externalIPs":["192.0.2.20"]}}',
    ]);
    const changed = await eventually('the Service report rewritten', async () => {
      const found = (await configAudits('web')).find((item) => item.metadata.name === 'service-front');
      return found && found.metadata.resourceVersion !== report.metadata.resourceVersion ? found : undefined;
    });
    assert.deepEqual(
      changed.report.checks.map((check) => [check.checkID, check.messages]),
      [['AVD-KSV-0108', ["Service 'front' in 'web' namespace should not set external IPs or external Name"]]],
    );
    assert.equal(changed.report.summary.highCount, 1);
    assert.ok(writes(operator) > before.writes);
  });
});
