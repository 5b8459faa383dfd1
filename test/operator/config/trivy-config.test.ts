import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DB_REPOSITORIES } from '../../../src/scanner/db/download/index.ts';
import { formatReference, parseReference } from '../../../src/scanner/registry/reference.ts';
import { analysisSettingsHash, detectionSettingsHash } from '../../../src/operator/config/settings-hash.ts';
import {
  DEFAULT_TRIVY_CONFIG_DATA,
  parseTrivyConfig,
  readTrivyConfig,
  type TrivyConfig,
} from '../../../src/operator/config/trivy-config.ts';
import { helmDefaultTrivyConfigMap } from './helm-rendered.ts';
import { problemsOf, readWithReport } from './helpers.ts';

const parse = (configMap: Record<string, string>, secret?: Record<string, string>) =>
  parseTrivyConfig({ configMap: { ...DEFAULT_TRIVY_CONFIG_DATA, ...configMap }, secret });

const WORKLOADS = [
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Deployment',
];
const DEFAULT_KINDS = [
  ...WORKLOADS,
  'Service',
  'Role',
  'ClusterRole',
  'NetworkPolicy',
  'Ingress',
  'LimitRange',
  'ResourceQuota',
  'PersistentVolume',
  'PersistentVolumeClaim',
];

const defaults: TrivyConfig = {
  severities: ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
  ignoreUnfixed: false,
  packageTypes: ['os', 'library'],
  skipFiles: [],
  skipDirs: [],
  ignoreFile: null,
  additionalReportFields: [],
  dbRepositories: ['mirror.gcr.io/aquasec/trivy-db:2'],
  dbRepositoryInsecure: false,
  dbRepositoryCredentials: null,
  insecureRegistries: [],
  nonSslRegistries: [],
  registryMirrors: {},
  proxy: { httpProxy: null, httpsProxy: null, noProxy: null },
  sslCertDir: null,
  scanJobResources: { requests: { cpu: '100m', memory: '100M' }, limits: { cpu: '500m', memory: '500M' } },
  timeoutMs: 300_000,
  offlineScan: false,
  supportedConfigAuditKinds: DEFAULT_KINDS as TrivyConfig['supportedConfigAuditKinds'],
};

describe('trivy config: defaults', () => {
  it("a missing ConfigMap means the plugin's defaults (§4.3)", () => {
    assert.deepEqual(parseTrivyConfig({}), defaults);
  });

  it("parses the chart's default rendering to the same settings, without warnings", () => {
    const { value, errors, warnings } = readWithReport((report) =>
      readTrivyConfig({ configMap: helmDefaultTrivyConfigMap, secret: {} }, report),
    );
    assert.deepEqual([value, errors, warnings], [defaults, [], []]);
  });

  it("missing keys take the values Trivy assumes; no DB repository means Trivy's own list", () => {
    assert.deepEqual(parseTrivyConfig({ configMap: {} }), {
      ...defaults,
      dbRepositories: DEFAULT_DB_REPOSITORIES,
      scanJobResources: { requests: {}, limits: {} },
    });
  });
});

const valid: Array<[Record<string, string>, (config: TrivyConfig) => unknown, unknown]> = [
  [{ 'trivy.severity': 'CRITICAL,HIGH' }, (c) => c.severities, ['HIGH', 'CRITICAL']],
  [{ 'trivy.severity': ' critical , high,medium,' }, (c) => c.severities, ['MEDIUM', 'HIGH', 'CRITICAL']],
  [{ 'trivy.severity': '' }, (c) => c.severities, ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']],
  [{ 'trivy.ignoreUnfixed': 'true' }, (c) => c.ignoreUnfixed, true],
  [{ 'trivy.ignoreUnfixed': 'false' }, (c) => c.ignoreUnfixed, false],
  [{ 'trivy.vulnType': 'os' }, (c) => c.packageTypes, ['os']],
  [{ 'trivy.vulnType': 'Library' }, (c) => c.packageTypes, ['library']],
  [{ 'trivy.vulnType': 'library,os' }, (c) => c.packageTypes, ['os', 'library']],
  [{ 'trivy.skipFiles': '/app/test.key, **/*.pem' }, (c) => c.skipFiles, ['/app/test.key', '**/*.pem']],
  [
    { 'trivy.skipDirs': '/usr/share/doc,/root/.cache' },
    (c) => c.skipDirs,
    ['/usr/share/doc', '/root/.cache'],
  ],
  [
    {
      'trivy.additionalVulnerabilityReportFields':
        'PackagePath,Description,cvss,Links,Target,Class,PackageType',
    },
    (c) => c.additionalReportFields,
    ['Description', 'Links', 'CVSS', 'Target', 'Class', 'PackageType', 'PackagePath'],
  ],
  [
    { 'trivy.dbRepository': 'ghcr.io/aquasecurity/trivy-db:2' },
    (c) => c.dbRepositories,
    ['ghcr.io/aquasecurity/trivy-db:2'],
  ],
  [
    { 'trivy.dbRepository': 'artifactory.thomasroot.local/aquasecurity/trivy-db' },
    (c) => c.dbRepositories,
    ['artifactory.thomasroot.local/aquasecurity/trivy-db:2'],
  ],
  [
    { 'trivy.dbRepository': 'aquasec/trivy-db' },
    (c) => c.dbRepositories,
    ['index.docker.io/aquasec/trivy-db:2'],
  ],
  [
    { 'trivy.dbRepository': 'registry.local:5000/trivy-db, ghcr.io/aquasecurity/trivy-db' },
    (c) => c.dbRepositories,
    ['registry.local:5000/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
  ],
  [
    { 'trivy.dbRepository': `registry.local:5000/trivy-db@sha256:${'b'.repeat(64)}` },
    (c) => c.dbRepositories,
    [`registry.local:5000/trivy-db@sha256:${'b'.repeat(64)}`],
  ],
  [{ 'trivy.dbRepositoryInsecure': 'true' }, (c) => c.dbRepositoryInsecure, true],
  [
    {
      'trivy.insecureRegistry.a': 'registry.local:5000',
      'trivy.insecureRegistry.b': 'Docker.io',
      'trivy.insecureRegistry.c': 'registry.local:5000',
    },
    (c) => c.insecureRegistries,
    ['index.docker.io', 'registry.local:5000'],
  ],
  [{ 'trivy.nonSslRegistry.local': '127.0.0.1:5000' }, (c) => c.nonSslRegistries, ['127.0.0.1:5000']],
  [
    {
      'trivy.registry.mirror.docker.io': 'mirror.gcr.io',
      'trivy.registry.mirror.ghcr.io': 'harbor.local/ghcr-proxy/',
      'trivy.registry.mirror.registry.local:5000': 'mirror.local:5001',
    },
    (c) => c.registryMirrors,
    {
      'index.docker.io': ['mirror.gcr.io'],
      'ghcr.io': ['harbor.local/ghcr-proxy'],
      'registry.local:5000': ['mirror.local:5001'],
    },
  ],
  [
    {
      'trivy.httpProxy': 'http://proxy:3128',
      'trivy.httpsProxy': 'proxy:3129',
      'trivy.noProxy': 'localhost,.svc',
    },
    (c) => c.proxy,
    { httpProxy: 'http://proxy:3128/', httpsProxy: 'http://proxy:3129/', noProxy: 'localhost,.svc' },
  ],
  [{ 'trivy.sslCertDir': '/etc/pki/tls/certs' }, (c) => c.sslCertDir, '/etc/pki/tls/certs'],
  [
    {
      'trivy.resources.requests.cpu': '100m',
      'trivy.resources.requests.memory': '256Mi',
      'trivy.resources.requests.ephemeral-storage': '1Gi',
      'trivy.resources.limits.cpu': '0.5',
      'trivy.resources.limits.memory': '512Mi',
      'trivy.resources.limits.ephemeral-storage': '2G',
    },
    (c) => c.scanJobResources,
    {
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '0.5', memory: '512Mi', 'ephemeral-storage': '2G' },
    },
  ],
  [{ 'trivy.timeout': '10m' }, (c) => c.timeoutMs, 600_000],
  [{ 'trivy.offlineScan': 'true' }, (c) => c.offlineScan, true],
  [
    { 'trivy.supportedConfigAuditKinds': 'pod, clusterrole,ClusterRole' },
    (c) => c.supportedConfigAuditKinds,
    ['Pod', 'ClusterRole'],
  ],
  [
    { 'trivy.supportedConfigAuditKinds': 'Workload,ConfigMap,RoleBinding,ClusterRoleBinding' },
    (c) => c.supportedConfigAuditKinds,
    [...WORKLOADS, 'ConfigMap', 'RoleBinding', 'ClusterRoleBinding'],
  ],
];

describe('trivy config: valid values', () => {
  for (const [configMap, pick, expected] of valid) {
    it(`reads ${JSON.stringify(configMap).slice(0, 120)}`, () => {
      assert.deepEqual(pick(parse(configMap)), expected);
    });
  }

  it('gives DB repositories in the form ensureDb resolves to the same reference', () => {
    const config = parse({
      'trivy.dbRepository': 'artifactory.thomasroot.local/aquasecurity/trivy-db,aquasec/trivy-db',
    });
    for (const repository of config.dbRepositories) {
      assert.equal(formatReference(parseReference(repository, { defaultTag: '2' })), repository);
    }
  });

  it('reads the plain ignore file, comments and expiry dates included', () => {
    const { ignoreFile } = parse({
      'trivy.ignoreFile': '# accepted risk\nCVE-2021-22945\nCVE-2023-1234 exp:2030-01-31\n',
    });
    assert.deepEqual(ignoreFile?.name, '.trivyignore');
    assert.deepEqual(
      ignoreFile?.rules.vulnerabilities.map((rule) => [rule.id, rule.expiresAt]),
      [
        ['CVE-2021-22945', undefined],
        ['CVE-2023-1234', Date.parse('2030-01-31T00:00:00Z')],
      ],
    );
  });

  it('reads the YAML ignore file when trivy.ignoreFileName says so', () => {
    const { ignoreFile } = parse({
      'trivy.ignoreFileName': '.trivyignore.yaml',
      'trivy.ignoreFile':
        'vulnerabilities:\n  - id: CVE-2022-0001\n    paths: ["usr/lib/**"]\nsecrets:\n  - id: aws-access-key-id\n',
    });
    assert.deepEqual(ignoreFile?.rules, {
      vulnerabilities: [{ id: 'CVE-2022-0001', paths: ['usr/lib/**'] }],
      secrets: [{ id: 'aws-access-key-id' }],
    });
  });

  it('takes DB credentials from the Secret', () => {
    const config = parse(
      {},
      { 'trivy.dbRepositoryUsername': 'robot', 'trivy.dbRepositoryPassword': 's3cret' },
    );
    assert.deepEqual(config.dbRepositoryCredentials, { username: 'robot', password: 's3cret' });
  });
});

const BOOL = 'must be true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)';
const CM = 'ConfigMap trivy-operator-trivy-config';
const invalid: Array<[Record<string, string>, string[]]> = [
  [
    { 'trivy.severity': 'HIGH,CRIT' },
    [
      `${CM} trivy.severity="HIGH,CRIT": "CRIT" is not a known severity; use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL`,
    ],
  ],
  [{ 'trivy.ignoreUnfixed': 'yes' }, [`${CM} trivy.ignoreUnfixed="yes": ${BOOL}`]],
  [
    { 'trivy.vulnType': 'os,lang' },
    [`${CM} trivy.vulnType="os,lang": "lang" is not a known package type; use os, library`],
  ],
  [
    { 'trivy.ignoreFileName': 'conf/.trivyignore' },
    [
      `${CM} trivy.ignoreFileName="conf/.trivyignore": must be a file name without "/", e.g. .trivyignore or .trivyignore.yaml`,
    ],
  ],
  [
    { 'trivy.ignoreFile': 'CVE-1\nCVE-2 until:2030\n' },
    [
      `${CM} trivy.ignoreFile: line 2: unknown field "until:2030"; a line is an ID, optionally followed by exp:YYYY-MM-DD`,
    ],
  ],
  [
    { 'trivy.ignoreFileName': '.trivyignore.yaml', 'trivy.ignoreFile': 'vulnerabilities:\n  - paths: [a]\n' },
    [
      `${CM} trivy.ignoreFile: vulnerabilities.0.id: Invalid input: expected string, received undefined; keys are vulnerabilities, misconfigurations, secrets, licenses; each item has id, paths, purls, expired_at, statement`,
    ],
  ],
  [
    { 'trivy.ignoreFileName': '.trivyignore.yml', 'trivy.ignoreFile': 'CVE-2021-22945' },
    [
      `${CM} trivy.ignoreFile: Invalid input: expected object, received string; keys are vulnerabilities, misconfigurations, secrets, licenses; each item has id, paths, purls, expired_at, statement`,
    ],
  ],
  [
    { 'trivy.additionalVulnerabilityReportFields': 'Description,Severity' },
    [
      `${CM} trivy.additionalVulnerabilityReportFields="Description,Severity": "Severity" is not a known report field; use Description, Links, CVSS, Target, Class, PackageType, PackagePath`,
    ],
  ],
  [
    { 'trivy.dbRepository': 'https://ghcr.io/aquasecurity/trivy-db' },
    [
      `${CM} trivy.dbRepository="https://ghcr.io/aquasecurity/trivy-db": "https://ghcr.io/aquasecurity/trivy-db" must be a repository without scheme, e.g. mirror.gcr.io/aquasec/trivy-db:2`,
    ],
  ],
  [
    { 'trivy.dbRepository': 'ghcr.io/AquaSecurity/trivy-db' },
    [
      `${CM} trivy.dbRepository="ghcr.io/AquaSecurity/trivy-db": invalid image reference "ghcr.io/AquaSecurity/trivy-db": repository component "AquaSecurity" must be lowercase letters, digits and separators (. _ __ -); use e.g. mirror.gcr.io/aquasec/trivy-db:2`,
    ],
  ],
  [{ 'trivy.dbRepositoryInsecure': 'insecure' }, [`${CM} trivy.dbRepositoryInsecure="insecure": ${BOOL}`]],
  [
    { 'trivy.insecureRegistry.corp': 'https://registry.corp' },
    [
      `${CM} trivy.insecureRegistry.corp="https://registry.corp": "https://registry.corp" must be a registry host without scheme, e.g. registry.example.com:5000`,
    ],
  ],
  [
    { 'trivy.nonSslRegistry.corp': 'registry corp' },
    [`${CM} trivy.nonSslRegistry.corp="registry corp": "registry corp" is not a registry host[:port]`],
  ],
  [
    { 'trivy.registry.mirror.docker.io': 'http://mirror.local' },
    [
      `${CM} trivy.registry.mirror.docker.io="http://mirror.local": "http:" is not a registry host[:port]; give the mirror as host[:port] or host[:port]/path`,
    ],
  ],
  [
    { 'trivy.registry.mirror.docker hub': 'mirror.gcr.io' },
    [
      `${CM} trivy.registry.mirror.docker hub: names the registry "docker hub", which is not a registry host[:port]`,
    ],
  ],
  [
    { 'trivy.httpsProxy': 'socks5://u:p@proxy:1080' },
    [`${CM} trivy.httpsProxy: is not an http(s) URL; give the proxy as e.g. http://proxy.example.com:3128`],
  ],
  [
    { 'trivy.sslCertDir': 'certs' },
    [`${CM} trivy.sslCertDir="certs": must be an absolute path on the node, e.g. /etc/ssl/certs`],
  ],
  [
    { 'trivy.resources.requests.memory': '256MB' },
    [
      `${CM} trivy.resources.requests.memory="256MB": is not a Kubernetes quantity; use e.g. 500m or 1 (CPU), 512Mi or 1G (memory, storage)`,
    ],
  ],
  [
    { 'trivy.resources.limits.cpu': '-1' },
    [
      `${CM} trivy.resources.limits.cpu="-1": is not a Kubernetes quantity; use e.g. 500m or 1 (CPU), 512Mi or 1G (memory, storage)`,
    ],
  ],
  [
    { 'trivy.resources.requests.cpu': '2' },
    [
      `${CM} trivy.resources.requests.cpu="2": is more than trivy.resources.limits.cpu (500m); Kubernetes rejects such a scan Job, so lower the request or raise the limit`,
    ],
  ],
  [
    { 'trivy.resources.requests.memory': '1Gi' },
    [
      `${CM} trivy.resources.requests.memory="1Gi": is more than trivy.resources.limits.memory (500M); Kubernetes rejects such a scan Job, so lower the request or raise the limit`,
    ],
  ],
  [
    { 'trivy.timeout': '300' },
    [`${CM} trivy.timeout="300": is not a Go duration (missing unit after "300"); use e.g. 30s, 5m or 1h30m`],
  ],
  [{ 'trivy.offlineScan': 'offline' }, [`${CM} trivy.offlineScan="offline": ${BOOL}`]],
  [
    { 'trivy.supportedConfigAuditKinds': 'Workload,Secret' },
    [
      `${CM} trivy.supportedConfigAuditKinds="Workload,Secret": "Secret" is not a kind trivy-ts audits; use Workload or any of Pod, ReplicationController, ReplicaSet, StatefulSet, DaemonSet, CronJob, Job, Deployment, Service, ConfigMap, Role, RoleBinding, ClusterRole, ClusterRoleBinding, NetworkPolicy, Ingress, LimitRange, ResourceQuota, PersistentVolume, PersistentVolumeClaim, CustomResourceDefinition`,
    ],
  ],
];

describe('trivy config: invalid values', () => {
  for (const [configMap, messages] of invalid) {
    it(`rejects ${JSON.stringify(configMap).slice(0, 120)}`, () => {
      assert.deepEqual(
        problemsOf(() => parse(configMap)),
        messages,
      );
    });
  }

  it('wants both DB credentials or neither, and never shows them', () => {
    assert.deepEqual(
      problemsOf(() => parse({}, { 'trivy.dbRepositoryPassword': 's3cret' })),
      [
        `Secret trivy-operator-trivy-config trivy.dbRepositoryPassword: is set but trivy.dbRepositoryUsername is not; set both in Secret trivy-operator-trivy-config, or neither`,
      ],
    );
    assert.deepEqual(
      problemsOf(() => parse({}, { 'trivy.dbRepositoryUsername': 'robot' })),
      [
        `Secret trivy-operator-trivy-config trivy.dbRepositoryUsername: is set but trivy.dbRepositoryPassword is not; set both in Secret trivy-operator-trivy-config, or neither`,
      ],
    );
  });
});

describe('trivy config: warnings', () => {
  const warnings = (configMap: Record<string, string>, secret?: Record<string, string>) =>
    readWithReport((report) =>
      readTrivyConfig({ configMap: { ...helmDefaultTrivyConfigMap, ...configMap }, secret }, report),
    ).warnings;

  it('says what trivy-ts does not do: Rego ignore policies, the Trivy config file', () => {
    assert.deepEqual(
      warnings({
        'trivy.ignorePolicy': 'package trivy',
        'trivy.ignorePolicy.apps.web': 'package trivy',
        'trivy.configFile': 'severity: HIGH',
      }),
      [
        `${CM} trivy.ignorePolicy: is a Rego ignore policy, which trivy-ts does not run; express it in trivy.ignoreFile instead`,
        `${CM} trivy.ignorePolicy.apps.web: is a Rego ignore policy, which trivy-ts does not run; express it in trivy.ignoreFile instead`,
        `${CM} trivy.configFile: is not read by trivy-ts; set the equivalent trivy.* keys instead`,
      ],
    );
  });

  it('flags misspelt keys and credentials kept in the ConfigMap', () => {
    assert.deepEqual(warnings({ 'trivy.severty': 'HIGH', 'trivy.dbRepositoryPassword': 'oops' }), [
      `${CM} trivy.dbRepositoryPassword: holds a credential in a ConfigMap; move it to Secret trivy-operator-trivy-config`,
      `${CM} trivy.severty: is not a key trivy-ts knows and is ignored; check the spelling`,
    ]);
  });

  it('leaves the built-in server keys and the keys for the Trivy binary alone', () => {
    assert.deepEqual(
      warnings(
        {
          'trivy.mode': 'ClientServer',
          'trivy.serverURL': 'http://trivy-service.trivy-system:4954',
          TRIVY_LISTEN: '0.0.0.0:4954',
          'trivy.serverTokenHeader': 'Trivy-Token',
        },
        { 'trivy.serverToken': 'abc', 'trivy.githubToken': 'ghp_x', 'trivy.serverCustomHeaders': 'foo=bar' },
      ),
      [],
    );
  });
});

describe('detection settings hash', () => {
  const base = parse({});
  const hash = detectionSettingsHash(base);

  it('is a short stable hex string, unchanged across releases for the same settings', () => {
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(detectionSettingsHash(parse({})), hash);
    // A changed value here re-evaluates every report once after an upgrade: change it only on purpose.
    assert.equal(hash, 'dd9b2da5df98eddf');
  });

  it('ignores the spelling and order of equivalent settings', () => {
    assert.equal(
      detectionSettingsHash(parse({ 'trivy.severity': 'CRITICAL,HIGH' })),
      detectionSettingsHash(parse({ 'trivy.severity': 'high, critical,' })),
    );
    assert.equal(
      detectionSettingsHash(parse({ 'trivy.skipDirs': '/a,/b' })),
      detectionSettingsHash(parse({ 'trivy.skipDirs': '/b,/a' })),
    );
  });

  const changes: Array<Record<string, string>> = [
    { 'trivy.severity': 'HIGH,CRITICAL' },
    { 'trivy.ignoreUnfixed': 'true' },
    { 'trivy.vulnType': 'os' },
    { 'trivy.ignoreFile': 'CVE-2021-22945' },
    {
      'trivy.ignoreFile': 'vulnerabilities:\n  - id: CVE-2021-22945\n',
      'trivy.ignoreFileName': '.trivyignore.yml',
    },
    { 'trivy.additionalVulnerabilityReportFields': 'Description' },
    { 'trivy.skipFiles': '/app/key.pem' },
    { 'trivy.skipDirs': '/usr/share/doc' },
  ];
  for (const change of changes) {
    it(`changes with ${JSON.stringify(change)}`, () => {
      assert.notEqual(detectionSettingsHash(parse(change)), hash);
    });
  }
  it('differs between two ignore files', () => {
    assert.notEqual(
      detectionSettingsHash(parse({ 'trivy.ignoreFile': 'CVE-1' })),
      detectionSettingsHash(parse({ 'trivy.ignoreFile': 'CVE-2' })),
    );
  });

  const irrelevant: Array<Record<string, string>> = [
    { 'trivy.timeout': '10m' },
    { 'trivy.resources.limits.memory': '1Gi' },
    { 'trivy.dbRepository': 'ghcr.io/aquasecurity/trivy-db' },
    { 'trivy.tag': '0.99.0' },
    { 'trivy.slow': 'false' },
    { 'trivy.offlineScan': 'true' },
    { 'trivy.supportedConfigAuditKinds': 'Workload' },
  ];
  for (const change of irrelevant) {
    it(`stays with ${JSON.stringify(change)}`, () => {
      assert.equal(detectionSettingsHash(parse(change)), hash);
    });
  }

  it('the analysis hash changes only with what the image analysis reads', () => {
    const analysis = analysisSettingsHash(base);
    assert.equal(
      analysisSettingsHash(parse({ 'trivy.severity': 'CRITICAL', 'trivy.ignoreUnfixed': 'true' })),
      analysis,
    );
    assert.notEqual(analysisSettingsHash(parse({ 'trivy.skipDirs': '/opt' })), analysis);
    assert.notEqual(analysisSettingsHash(parse({ 'trivy.skipFiles': '/opt/a' })), analysis);
  });
});
