/**
 * The alerts and the dashboard, checked with the real tools: the PrometheusRule rendered by helm passes `promtool
 * check rules` and promtool's rule unit tests; then a real Prometheus scrapes a running operator that has scanned
 * fixture images, evaluates the rules and sends what fires to a real Alertmanager, whose webhook this test serves;
 * and every query of the Grafana dashboard is run against that Prometheus.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import {
  chartDashboardPath,
  dashboardPath,
  rulesFilePath,
  staleFiles,
} from '../../scripts/sync-observability.ts';
import type { Operator } from '../../src/operator/operator.ts';
import {
  applyTrivyConfig,
  debianImage,
  deployment,
  eventually,
  fixtureDb,
  operatorEnv,
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../operator/harness.ts';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.ts';
import { promtool, startPrometheusServer, type RunningPrometheus } from '../support/prometheus.ts';
import { promtoolTestGroups } from './alert-rule-tests.ts';
import { chartDir, find, findAll, renderChart } from './helm-render.ts';

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}
interface AlertSettings {
  enabled: boolean;
  for: string;
  severity: string;
}

const chartValues = parse(await readFile(join(chartDir, 'values.yaml'), 'utf8')) as {
  prometheusRule: { alerts: Record<string, AlertSettings> };
};
const alertNames = Object.keys(chartValues.prometheusRule.alerts);

/** The rule groups of the chart's PrometheusRule, rendered with `args`. */
async function renderedRuleGroups(args: string[] = []): Promise<RuleGroup[]> {
  const { objects } = await renderChart(['--set', 'prometheusRule.enabled=true', ...args]);
  const rule = find<{ spec: { groups: RuleGroup[] } }>(objects, 'PrometheusRule');
  return rule.spec.groups;
}

/** Every alert fires as soon as its condition holds: the live run cannot wait the real `for:` durations. */
const immediately = alertNames.flatMap((name) => ['--set', `prometheusRule.alerts.${name}.for=0s`]);

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-observability-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('alerts: the PrometheusRule of the chart', () => {
  it('promtool check rules passes on the rules of the rendered PrometheusRule', async () => {
    const path = join(scratch, 'rendered.rules.yaml');
    await writeFile(path, stringify({ groups: await renderedRuleGroups() }));
    const result = await promtool(['check', 'rules', path]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, new RegExp(`SUCCESS: ${alertNames.length} rules found`));
  });

  it('renders every alert of values.yaml with its for:, severity and runbook, and leaves disabled ones out', async () => {
    const rules = (await renderedRuleGroups()).flatMap((group) => group.rules);
    assert.deepEqual(rules.map((rule) => rule.alert).sort(), [...alertNames].sort());
    for (const rule of rules) {
      const settings = chartValues.prometheusRule.alerts[rule.alert]!;
      assert.equal(rule.for, settings.for, rule.alert);
      assert.deepEqual(rule.labels, { severity: settings.severity }, rule.alert);
      for (const key of ['summary', 'description', 'runbook']) {
        assert.ok((rule.annotations[key]?.length ?? 0) > 20, `${rule.alert} has a ${key}`);
      }
    }
    const some = await renderedRuleGroups([
      '--set',
      'prometheusRule.alerts.HighVulnerabilityCount.enabled=false',
      '--set',
      'prometheusRule.alerts.HighRiskRBACPermissions.enabled=false',
      '--set',
      'prometheusRule.alerts.CISKubernetesBenchmarkFailures.enabled=false',
      '--set',
      'prometheusRule.alerts.NSAKubernetesHardeningFailures.enabled=false',
      '--set',
      'prometheusRule.additionalAlertLabels.team=security',
    ]);
    assert.deepEqual(
      some.map((group) => group.name),
      ['trivy-ts.vulnerabilities', 'trivy-ts.operator'],
      'a group with every alert off is left out',
    );
    const names = some.flatMap((group) => group.rules.map((rule) => rule.alert));
    assert.ok(!names.includes('HighVulnerabilityCount'));
    assert.equal(names.length, alertNames.length - 4);
    for (const rule of some.flatMap((group) => group.rules)) assert.equal(rule.labels.team, 'security');
    const none = alertNames.flatMap((name) => ['--set', `prometheusRule.alerts.${name}.enabled=false`]);
    assert.deepEqual(await renderedRuleGroups(none), [], 'every alert off: an empty list of groups');
  });

  it('thresholds come from the values, and a typo in them fails at install time', async () => {
    const rules = (
      await renderedRuleGroups([
        '--set',
        'prometheusRule.alerts.HighVulnerabilityCount.threshold=50',
        '--set',
        'prometheusRule.alerts.TrivyTsReportCoverageLow.minRatio=0.75',
      ])
    ).flatMap((group) => group.rules);
    assert.match(rules.find((rule) => rule.alert === 'HighVulnerabilityCount')!.expr, /\) > 50$/);
    assert.match(rules.find((rule) => rule.alert === 'TrivyTsReportCoverageLow')!.expr, / < 0\.75$/);
    await assert.rejects(
      renderedRuleGroups(['--set', 'prometheusRule.alerts.HighVulnerabilityCount.treshold=50']),
      /treshold/,
    );
    await assert.rejects(
      renderedRuleGroups(['--set', 'prometheusRule.alerts.CriticalVulnerabilitiesDetected.for=15 minutes']),
      /for/,
    );
  });

  it('the PrometheusRule is off by default and carries the labels a ruleSelector matches', async () => {
    assert.deepEqual(findAll((await renderChart()).objects, 'PrometheusRule'), []);
    const { objects } = await renderChart([
      '--set',
      'prometheusRule.enabled=true',
      '--set',
      'prometheusRule.labels.release=kube-prometheus-stack',
      '--set',
      'prometheusRule.namespace=monitoring',
    ]);
    const rule = find(objects, 'PrometheusRule');
    assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(rule.metadata.namespace, 'monitoring');
    assert.equal(rule.metadata.labels?.release, 'kube-prometheus-stack');
    assert.equal(rule.metadata.labels?.['app.kubernetes.io/name'], 'trivy-operator');
  });

  it('deploy/prometheus and the chart copy of the dashboard are in sync (node scripts/sync-observability.ts)', async () => {
    assert.deepEqual(await staleFiles(), []);
    const file = parse(await readFile(rulesFilePath, 'utf8')) as { groups: RuleGroup[] };
    assert.deepEqual(file.groups, await renderedRuleGroups());
    assert.equal(await readFile(chartDashboardPath, 'utf8'), await readFile(dashboardPath, 'utf8'));
  });

  it('promtool test rules: thresholds, for: durations, and each image counted once', async () => {
    // Annotations reduced to the alert's value, so that each case checks the number the alert reports.
    const groups = (await renderedRuleGroups()).map((group) => ({
      ...group,
      rules: group.rules.map((rule) => ({ ...rule, annotations: { value: '{{ $value }}' } })),
    }));
    const rules = join(scratch, 'unit.rules.yaml');
    const tests = join(scratch, 'unit.tests.yaml');
    await writeFile(rules, stringify({ groups }));
    await writeFile(
      tests,
      stringify({ rule_files: [rules], evaluation_interval: '1m', tests: promtoolTestGroups }),
    );
    const result = await promtool(['test', 'rules', tests]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS/);
    const firing = new Set(
      promtoolTestGroups.flatMap((group) =>
        group.alert_rule_test.filter((test) => test.exp_alerts.length > 0).map((test) => test.alertname),
      ),
    );
    assert.deepEqual([...firing].sort(), [...alertNames].sort(), 'every alert has a case where it fires');
  });
});

describe('dashboard: the Grafana ConfigMap of the chart', () => {
  it('is off by default; on, it holds the dashboard under the label the Grafana sidecar looks for', async () => {
    const dashboardConfigMaps = (objects: Awaited<ReturnType<typeof renderChart>>['objects']) =>
      findAll(objects, 'ConfigMap').filter(
        (object) => object.metadata.labels?.grafana_dashboard !== undefined,
      );
    assert.deepEqual(dashboardConfigMaps((await renderChart()).objects), []);
    const { objects } = await renderChart([
      '--set',
      'grafanaDashboard.enabled=true',
      '--set',
      'grafanaDashboard.annotations.grafana_folder=Security',
    ]);
    const [configMap] = dashboardConfigMaps(objects) as unknown as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      data: Record<string, string>;
    }[];
    assert.ok(configMap);
    assert.equal(configMap.metadata.labels.grafana_dashboard, '1');
    assert.equal(configMap.metadata.annotations.grafana_folder, 'Security');
    assert.deepEqual(
      JSON.parse(configMap.data['trivy-ts-dashboard.json']!),
      JSON.parse(await readFile(dashboardPath, 'utf8')),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Live: operator → Prometheus → Alertmanager → webhook, and the dashboard's queries.

interface Panel {
  type: string;
  title: string;
  panels?: Panel[];
  targets?: { expr: string; legendFormat?: string; refId: string }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

const githubToken = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const expectedAlerts = ['CriticalVulnerabilitiesDetected', 'ExposedSecretsDetected'];

describe('observability: a real Prometheus and Alertmanager watching an operator that scanned fixture images', () => {
  let world: World;
  let operator: Operator;
  let prometheus: RunningPrometheus;
  let alertmanager: RunningAlertmanager;
  let vulnerable: { ref: string; digest: string };
  let metricsPage = '';
  let dashboard: Dashboard;

  before(async () => {
    dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as Dashboard;
    world = await startWorld();
    // zlib1g: CVE-2023-45853 (CRITICAL); libssl3: CVE-2024-5535 (HIGH); and a GitHub token in /srv/.env.
    vulnerable = await world.pushImage(
      'shop/storefront:1.0',
      debianImage(
        [
          { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib' },
          { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
        ],
        { 'srv/.env': `GITHUB_TOKEN=${githubToken}\n` },
      ),
    );
    const clean = await world.pushImage(
      'shop/clean:1.0',
      debianImage([{ name: 'coreutils', version: '9.1-1' }]),
    );
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    await world.kubectl(['create', 'namespace', 'shop']);
    await world.kubectl(['create', 'namespace', 'tools']);
    const role = (kind: 'Role' | 'ClusterRole', name: string, rules: object[], namespace?: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      rules,
    });
    await world.apply(
      // The vulnerable image runs in two workloads of one namespace: its alerts must count it once.
      deployment('storefront', { web: vulnerable.ref, sidecar: clean.ref }, { namespace: 'shop' }),
      deployment('checkout', { app: vulnerable.ref }, { namespace: 'shop' }),
      deployment('batch', { main: clean.ref }, { namespace: 'tools' }),
      // A MEDIUM finding each (KSV049, KSV048), and Kubernetes' own cluster-admin, whose CRITICAL findings the RBAC
      // alert leaves out by default.
      role(
        'Role',
        'config-editor',
        [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }],
        'shop',
      ),
      role('ClusterRole', 'pod-manager', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
      role('ClusterRole', 'cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      // An image missing from the registry: its analysis fails (ImageNotFound), so the failure panels have data.
      deployment('ghost', { main: `${world.registry.host}/ghost:1.0` }, { namespace: 'tools' }),
    );
    operator = await startOperator(
      world,
      operatorEnv(world, { OPERATOR_SCAN_MODE: 'Inline', OPERATOR_METRICS_VULN_ID_ENABLED: 'true' }),
    );
    const scrape = async () => (await fetch(`http://127.0.0.1:${operator.metricsPort}/metrics`)).text();
    await eventually(
      'the ghost image to fail',
      async () => /^trivy_ts_scan_failures_total\{reason="ImageNotFound"\} [1-9]/m.test(await scrape()),
      90_000,
    );
    await world.kubectl(['delete', 'deployment', 'ghost', '-n', 'tools', '--wait=true']);
    // Prometheus starts once the operator has settled, so that what it sees is the steady state.
    metricsPage = await eventually(
      'every report, full coverage and an empty queue',
      async () => {
        const page = await scrape();
        const reports = new Set(
          [...page.matchAll(/^trivy_image_vulnerabilities\{[^}]*\bname="([^"]+)"/gm)].map(
            (match) => match[1],
          ),
        );
        const ready =
          reports.size === 4 &&
          /^trivy_ts_report_coverage_ratio 1$/m.test(page) &&
          /^trivy_ts_scan_queue_depth 0$/m.test(page) &&
          /^trivy_ts_scans_running 0$/m.test(page) &&
          /^trivy_image_exposedsecrets\{[^}]*image_repository="shop\/storefront"[^}]*\} 1$/m.test(page) &&
          /^trivy_resource_configaudits\{[^}]*namespace="tools"/m.test(page) &&
          /^trivy_role_rbacassessments\{[^}]*resource_name="config-editor"/m.test(page) &&
          /^trivy_clusterrole_clusterrbacassessments\{[^}]*resource_name="pod-manager"/m.test(page) &&
          /^trivy_clusterrole_clusterrbacassessments\{[^}]*resource_name="cluster-admin"[^}]*severity="Critical"[^}]*\} [1-9]/m.test(
            page,
          ) &&
          /^trivy_ts_vulnerability_db_age_seconds \d/m.test(page);
        return ready ? page : undefined;
      },
      90_000,
    );

    const rules = join(scratch, 'live.rules.yaml');
    await writeFile(rules, stringify({ groups: await renderedRuleGroups(immediately) }));
    alertmanager = await startAlertmanager();
    prometheus = await startPrometheusServer({
      targets: [{ job: 'trivy-operator', target: `127.0.0.1:${operator.metricsPort}` }],
      ruleFiles: [rules],
      alertmanagerUrl: alertmanager.url,
    });
    // rate() and increase() need two samples.
    await eventually('two scrapes', async () => {
      const [samples] = await prometheus.query('count_over_time(trivy_ts_scan_queue_depth[1m])');
      return (samples?.value ?? 0) >= 3;
    });
  });
  after(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await operator?.stop();
    await world?.close();
  });

  it('fires CriticalVulnerabilitiesDetected and ExposedSecretsDetected for the vulnerable image, once each, and nothing else', async () => {
    const firing = await eventually('the expected alerts to fire', async () => {
      const alerts = (await prometheus.alerts()).filter((alert) => alert.state === 'firing');
      const names = new Set(alerts.map((alert) => alert.labels.alertname));
      return expectedAlerts.every((name) => names.has(name)) ? alerts : undefined;
    });
    // A few more evaluations, in case something else was about to fire.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const alerts = await prometheus.alerts();
    assert.deepEqual(
      alerts.map((alert) => `${alert.labels.alertname}:${alert.state}`).sort(),
      expectedAlerts.map((name) => `${name}:firing`),
    );
    const rules = await prometheus.rules();
    assert.equal(rules.length, alertNames.length);
    for (const rule of rules) {
      assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError ?? ''}`);
      if (!expectedAlerts.includes(rule.name)) assert.equal(rule.state, 'inactive', rule.name);
    }
    const critical = firing.find((alert) => alert.labels.alertname === 'CriticalVulnerabilitiesDetected')!;
    assert.deepEqual(critical.labels, {
      alertname: 'CriticalVulnerabilitiesDetected',
      severity: 'critical',
      namespace: 'shop',
      image_registry: world.registry.host,
      image_repository: 'shop/storefront',
      image_tag: '1.0',
      image_digest: vulnerable.digest,
    });
    // Two workloads run the image: still one CRITICAL vulnerability.
    assert.equal(Number(critical.value), 1);
    assert.equal(
      critical.annotations.summary,
      'Image shop/storefront:1.0 in namespace shop has 1 CRITICAL vulnerabilities',
    );
    const secrets = firing.find((alert) => alert.labels.alertname === 'ExposedSecretsDetected')!;
    assert.equal(secrets.labels.image_repository, 'shop/storefront');
    assert.equal(Number(secrets.value), 1);
  });

  it('Alertmanager delivers the firing alerts to the webhook receiver', async () => {
    const delivered = await eventually('both alerts delivered', () => {
      const alerts = alertmanager.notifications.flatMap((notification) => notification.alerts);
      const names = new Set(
        alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.labels.alertname),
      );
      return expectedAlerts.every((name) => names.has(name)) ? alerts : undefined;
    });
    assert.deepEqual([...new Set(delivered.map((alert) => alert.labels.alertname))].sort(), expectedAlerts);
    const secrets = delivered.find((alert) => alert.labels.alertname === 'ExposedSecretsDetected')!;
    assert.equal(secrets.labels.severity, 'critical');
    assert.equal(secrets.labels.namespace, 'shop');
    assert.equal(
      secrets.annotations.summary,
      'Image shop/storefront:1.0 in namespace shop contains 1 exposed secrets',
    );
    assert.match(secrets.annotations.runbook ?? '', /kubectl get exposedsecretreports -n shop -o wide/);
    assert.equal(alertmanager.notifications[0]?.receiver, 'test');
  });

  const panels = (list: Panel[]): Panel[] => list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
  const queries = () =>
    panels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
  const substitute = (expr: string, namespace: string) =>
    expr.replaceAll('$namespace', namespace).replaceAll('$__rate_interval', '1m');

  it('the dashboard refers only to metrics the operator serves, with labels they carry', async () => {
    assert.ok(queries().length > 30);
    const labelsOf = new Map<string, Set<string>>();
    for (const { panel, target } of queries()) {
      const metrics = [...new Set(target.expr.match(/\btrivy_[a-z_]+\b/g) ?? [])];
      assert.ok(metrics.length > 0, `${panel.title}: ${target.expr}`);
      const known = new Set<string>();
      for (const metric of metrics) {
        assert.match(
          metricsPage,
          new RegExp(`^# TYPE ${metric} `, 'm'),
          `${panel.title}: ${metric} is served`,
        );
        if (!labelsOf.has(metric)) {
          const series = await prometheus.api<Record<string, string>[]>(
            `/api/v1/series?match[]=${encodeURIComponent(metric)}`,
          );
          labelsOf.set(metric, new Set(series.flatMap((labels) => Object.keys(labels))));
        }
        for (const label of labelsOf.get(metric)!) known.add(label);
      }
      const grouping = [...target.expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap(
        (match) => match[1]!.split(',').map((label) => label.trim()),
      );
      const matched = [...target.expr.matchAll(/\{([^}]*)\}/g)].flatMap((match) =>
        [...match[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1]!),
      );
      const legend = [...(target.legendFormat ?? '').matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map(
        (match) => match[1]!,
      );
      for (const label of [...grouping, ...matched, ...legend].filter(
        (label) => label && label !== '__name__',
      )) {
        assert.ok(known.has(label), `${panel.title}: label ${label} is not on ${metrics.join(', ')}`);
      }
    }
  });

  it('every dashboard query returns data, for all namespaces and for one', async () => {
    for (const namespace of ['.*', 'shop']) {
      for (const { panel, target } of queries()) {
        const expr = substitute(target.expr, namespace);
        const samples = await prometheus.query(expr);
        assert.ok(
          samples.length > 0,
          `${panel.title} (${target.refId}, namespace ${namespace}): no data for ${expr}`,
        );
      }
    }
  });

  it('the namespace variable lists the scanned namespaces', async () => {
    const variable = dashboard.templating.list.find((entry) => entry.name === 'namespace')!;
    const match = /^label_values\((.+),\s*([A-Za-z_]+)\)$/.exec(variable.definition ?? '');
    assert.ok(match, variable.definition);
    const values = await prometheus.api<string[]>(
      `/api/v1/label/${match[2]}/values?match[]=${encodeURIComponent(match[1]!)}`,
    );
    for (const namespace of ['shop', 'tools'])
      assert.ok(values.includes(namespace), `${namespace} in ${values}`);
    assert.ok(
      dashboard.templating.list.some((entry) => entry.type === 'datasource' && entry.name === 'datasource'),
    );
  });

  it('the dashboard counts each image once, however many containers run it', async () => {
    const value = async (title: string, legend: string) => {
      const target = queries().find(
        ({ panel, target }) => panel.title === title && (target.legendFormat ?? '') === legend,
      )?.target;
      assert.ok(target, `${title} / ${legend}`);
      return (await prometheus.query(substitute(target.expr, '.*'))).map((sample) => sample.value);
    };
    assert.deepEqual(await value('Vulnerabilities by severity', 'Critical'), [1]);
    assert.deepEqual(await value('Vulnerabilities by severity', 'High'), [1]);
    assert.deepEqual(await value('Images scanned', 'Images'), [2]);
    assert.deepEqual(await value('Images with CRITICAL vulnerabilities', 'Images'), [1]);
    let secrets = 0;
    for (const severity of ['Critical', 'High', 'Medium', 'Low']) {
      secrets += (await value('Exposed secrets', severity))[0] ?? Number.NaN;
    }
    assert.equal(secrets, 1, 'one secret, in one image run by two containers');
    assert.deepEqual(await value('Images with exposed secrets', 'Images'), [1]);
    assert.deepEqual(await value('Report coverage', 'Coverage'), [1]);
    // The vulnerable image's row: 1 CRITICAL, 1 HIGH, run by two containers.
    const table = queries().filter(({ panel }) => panel.title === 'Vulnerabilities by image');
    const rows = await Promise.all(
      table.map(
        async ({ target }) =>
          (await prometheus.query(substitute(target.expr, '.*'))).find(
            (sample) => sample.metric.image_repository === 'shop/storefront',
          )?.value,
      ),
    );
    assert.deepEqual(rows, [1, 1, 0, 0, 0, 2]);
  });
});
