import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, formatIssue } from '../../../src/operator/config/configuration-error.ts';
import { formatGoDuration } from '../../../src/operator/config/duration.ts';
import {
  loadOperatorConfiguration,
  reloadTrivyConfiguration,
  type OperatorConfigurationInput,
} from '../../../src/operator/config/load.ts';
import { namespaceIncluded } from '../../../src/operator/config/install-mode.ts';
import { detectionSettingsHash } from '../../../src/operator/config/settings-hash.ts';
import { UserFacingError } from '../../../src/util/errors.ts';
import { helmDefaultEnv, helmDefaultOperatorConfigMap, helmDefaultTrivyConfigMap } from './helm-rendered.ts';
import { problemsOf } from './helpers.ts';

/** A Helm install with the chart's defaults, plus what a write-up changed. */
function helmInstall(changes: {
  env?: Record<string, string>;
  operator?: Record<string, string>;
  trivy?: Record<string, string>;
}): OperatorConfigurationInput {
  return {
    env: { ...helmDefaultEnv, ...changes.env },
    operatorConfigMap: { ...helmDefaultOperatorConfigMap, ...changes.operator },
    operatorSecret: {},
    trivyConfigMap: { ...helmDefaultTrivyConfigMap, ...changes.trivy },
    trivySecret: {},
  };
}

describe('loadOperatorConfiguration', () => {
  it('loads a default Helm install without warnings', () => {
    const config = loadOperatorConfiguration(helmInstall({}));
    assert.deepEqual(config.warnings, []);
    assert.equal(config.env.installMode, 'AllNamespaces');
    assert.equal(config.env.clusterSbomCacheEnabled, false, 'the chart turns the cluster SBOM cache off');
    assert.equal(config.env.cacheDir, '/var/lib/trivy-ts');
    assert.equal(config.operator.scanJob.containerSecurityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(config.trivy.dbRepositories, ['mirror.gcr.io/aquasec/trivy-db:2']);
  });

  it('loads with no ConfigMaps at all (the operator creates them with these defaults)', () => {
    const config = loadOperatorConfiguration({
      env: { OPERATOR_NAMESPACE: 'trivy-system', OPERATOR_SCAN_MODE: 'Inline' },
    });
    assert.equal(config.operator.report.recordFailedChecksOnly, true);
    assert.deepEqual(config.trivy.severities, ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
  });

  it('returns deeply frozen objects', () => {
    const config = loadOperatorConfiguration(
      helmInstall({ operator: { 'scanJob.tolerations': '[{"operator":"Exists"}]' } }),
    );
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.env.metrics));
    assert.ok(Object.isFrozen(config.operator.scanJob.tolerations[0]));
    assert.ok(Object.isFrozen(config.trivy.scanJobResources.limits));
    assert.throws(() => (config.env.targetWorkloads as string[]).push('Deployment'), TypeError);
    assert.throws(() => {
      (config.trivy as { ignoreUnfixed: boolean }).ignoreUnfixed = true;
    }, TypeError);
    assert.equal(config.env.excludeNamespaces.matches('kube-system'), false, 'glob matchers still work');
  });

  it('lists every problem of every source in one error that says what to do', () => {
    let error: unknown;
    try {
      loadOperatorConfiguration({
        env: {
          OPERATOR_NAMESPACE: 'trivy-system',
          OPERATOR_SCAN_MODE: 'Inline',
          OPERATOR_SCAN_JOB_TIMEOUT: '5',
        },
        operatorConfigMap: { 'scanJob.tolerations': '{}' },
        operatorSecret: { 'report.additionalLabels': 'token' },
        trivyConfigMap: { 'trivy.severity': 'SEVERE' },
        trivySecret: { 'trivy.dbRepositoryUsername': 'robot' },
      });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigurationError);
    assert.ok(error instanceof UserFacingError);
    assert.deepEqual(error.problems.map(formatIssue), [
      'env OPERATOR_SCAN_JOB_TIMEOUT="5": is not a Go duration (missing unit after "5"); use e.g. 30s, 5m or 1h30m',
      'ConfigMap trivy-operator scanJob.tolerations="{}": must be a JSON array',
      'Secret trivy-operator report.additionalLabels: "***" is not key=value',
      'ConfigMap trivy-operator-trivy-config trivy.severity="SEVERE": "SEVERE" is not a known severity; use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL',
      'Secret trivy-operator-trivy-config trivy.dbRepositoryUsername: is set but trivy.dbRepositoryPassword is not; set both in Secret trivy-operator-trivy-config, or neither',
    ]);
    assert.equal(
      error.message,
      `invalid operator configuration (5 problems):\n${error.problems.map((problem) => `  - ${formatIssue(problem)}`).join('\n')}`,
    );
    assert.match(error.hint ?? '', /env vars are set on the operator Deployment/);
  });

  it('never puts a Secret value into a message, even one that names the bad item', () => {
    const problems = problemsOf(() =>
      loadOperatorConfiguration({
        env: { OPERATOR_NAMESPACE: 'trivy-system', OPERATOR_SCAN_MODE: 'Inline' },
        operatorSecret: { 'scanJob.nodeSelector': '{"pool":"hunter2 hunter2"}' },
      }),
    );
    assert.equal(problems.length, 1);
    assert.doesNotMatch(problems[0] ?? '', /hunter2/);
  });
});

describe('reloadTrivyConfiguration', () => {
  it('re-reads only the trivy config, frozen, with its warnings', () => {
    const { trivy, warnings } = reloadTrivyConfiguration({
      configMap: {
        ...helmDefaultTrivyConfigMap,
        'trivy.severity': 'CRITICAL',
        'trivy.ignorePolicy': 'package x',
      },
    });
    assert.deepEqual(trivy.severities, ['CRITICAL']);
    assert.ok(Object.isFrozen(trivy.severities));
    assert.deepEqual(warnings.map(formatIssue), [
      'ConfigMap trivy-operator-trivy-config trivy.ignorePolicy: is a Rego ignore policy, which trivy-ts does not run; express it in trivy.ignoreFile instead',
    ]);
  });

  it('rejects an invalid edit as a whole, so the previous settings can stay', () => {
    assert.deepEqual(
      problemsOf(() =>
        reloadTrivyConfiguration({ configMap: { 'trivy.severity': 'CRITICAL,HGH', 'trivy.timeout': 'x' } }),
      ),
      [
        'ConfigMap trivy-operator-trivy-config trivy.severity="CRITICAL,HGH": "HGH" is not a known severity; use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL',
        'ConfigMap trivy-operator-trivy-config trivy.timeout="x": is not a Go duration (expected a number at "x"); use e.g. 30s, 5m or 1h30m',
      ],
    );
  });
});

// The write-ups in shared/user-docs: what their Helm values and `--set` flags put into the env and ConfigMaps.
describe('values from the user write-ups', () => {
  it('kind-lab-ownership: --set trivy.ignoreUnfixed=true, reports annotated report-ttl 24h0m0s', () => {
    const config = loadOperatorConfiguration(helmInstall({ trivy: { 'trivy.ignoreUnfixed': 'true' } }));
    assert.equal(config.trivy.ignoreUnfixed, true);
    assert.equal(formatGoDuration(config.env.scannerReportTtlMs ?? Number.NaN), '24h0m0s');
    assert.notEqual(
      detectionSettingsHash(config.trivy),
      detectionSettingsHash(loadOperatorConfiguration(helmInstall({})).trivy),
    );
  });

  it('homelab-ai-cluster: three target namespaces, exclusions, one scan at a time, CRITICAL,HIGH,MEDIUM', () => {
    const config = loadOperatorConfiguration(
      helmInstall({
        env: {
          OPERATOR_TARGET_NAMESPACES: 'ai-inference,ai-apps,auth',
          OPERATOR_EXCLUDE_NAMESPACES: 'kube-system,argocd,kyverno,...',
          OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '1',
        },
        trivy: {
          'trivy.severity': 'CRITICAL,HIGH,MEDIUM',
          'trivy.ignoreUnfixed': 'true',
          'trivy.resources.requests.cpu': '100m',
          'trivy.resources.requests.memory': '256Mi',
          'trivy.resources.limits.cpu': '500m',
          'trivy.resources.limits.memory': '512Mi',
        },
      }),
    );
    assert.equal(config.env.installMode, 'MultiNamespace');
    assert.deepEqual(
      ['ai-inference', 'ai-apps', 'auth', 'kube-system', 'default', 'trivy-system'].map((ns) =>
        namespaceIncluded(config.env, ns),
      ),
      [true, true, true, false, false, false],
    );
    assert.equal(config.env.concurrentScanJobsLimit, 1);
    assert.deepEqual(config.trivy.severities, ['MEDIUM', 'HIGH', 'CRITICAL']);
    assert.equal(config.trivy.ignoreUnfixed, true);
    assert.deepEqual(config.trivy.scanJobResources, {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    assert.deepEqual(config.warnings.map(formatIssue), [
      'env OPERATOR_EXCLUDE_NAMESPACES: is ignored because OPERATOR_TARGET_NAMESPACES lists the namespaces to scan; exclusions apply only when it is empty (all namespaces)',
    ]);
  });

  it('homelab-production-status: built-in server, 3 then 5 scans, 10m then 15m timeouts, 48h TTL, metrics flags', () => {
    for (const [limit, timeout] of [
      ['3', '10m'],
      ['5', '15m'],
    ] as const) {
      const config = loadOperatorConfiguration(
        helmInstall({
          env: {
            OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: limit,
            OPERATOR_SCAN_JOB_TIMEOUT: timeout,
            OPERATOR_SCANNER_REPORT_TTL: '48h',
            OPERATOR_BUILT_IN_TRIVY_SERVER: 'true',
            OPERATOR_METRICS_FINDINGS_ENABLED: 'true',
            OPERATOR_METRICS_VULN_ID_ENABLED: 'false',
            OPERATOR_METRICS_EXPOSED_SECRET_INFO_ENABLED: 'false',
            OPERATOR_METRICS_CONFIG_AUDIT_INFO_ENABLED: 'false',
          },
          operator: { 'trivy.serverURL': 'http://trivy-service.trivy-system:4954' },
          trivy: {
            // ignoreUnfixed: false is left out by the chart's `with`.
            'trivy.severity': 'CRITICAL,HIGH',
            'trivy.mode': 'ClientServer',
            'trivy.serverURL': 'http://trivy-service.trivy-system:4954',
            'trivy.resources.requests.cpu': '50m',
            'trivy.resources.requests.memory': '100Mi',
            'trivy.resources.limits.cpu': '500m',
            'trivy.resources.limits.memory': '500Mi',
          },
        }),
      );
      assert.equal(config.env.concurrentScanJobsLimit, Number(limit));
      assert.equal(formatGoDuration(config.env.scanJobTimeoutMs), `${timeout}0s`);
      assert.equal(formatGoDuration(config.env.scannerReportTtlMs ?? Number.NaN), '48h0m0s');
      assert.equal(config.env.builtInTrivyServer, true);
      assert.deepEqual(config.env.metrics.vulnIdEnabled, false);
      assert.deepEqual(config.trivy.severities, ['HIGH', 'CRITICAL']);
      assert.equal(config.trivy.ignoreUnfixed, false);
      assert.deepEqual(config.warnings, []);
    }
  });

  it('blog-operator-intro: an air-gapped Artifactory for images and the DB', () => {
    const config = loadOperatorConfiguration(
      helmInstall({
        env: { OPERATOR_SCAN_JOB_TIMEOUT: '5m' },
        trivy: {
          'trivy.repository': 'artifactory.thomasroot.local/aquasecurity/aquasec/trivy',
          'trivy.nonSslRegistry.artifactory': 'artifactory.thomasroot.local',
          'trivy.insecureRegistry.artifactory': 'artifactory.thomasroot.local',
          'trivy.dbRepository': 'artifactory.thomasroot.local/aquasecurity/trivy-db',
          'trivy.dbRepositoryInsecure': 'true',
        },
      }),
    );
    assert.deepEqual(config.trivy.dbRepositories, ['artifactory.thomasroot.local/aquasecurity/trivy-db:2']);
    assert.equal(config.trivy.dbRepositoryInsecure, true);
    assert.deepEqual(config.trivy.nonSslRegistries, ['artifactory.thomasroot.local']);
    assert.deepEqual(config.trivy.insecureRegistries, ['artifactory.thomasroot.local']);
    assert.deepEqual(config.env.targetWorkloads, [
      'Pod',
      'ReplicaSet',
      'ReplicationController',
      'StatefulSet',
      'DaemonSet',
      'CronJob',
      'Job',
    ]);
    assert.deepEqual(config.warnings, []);
  });
});
