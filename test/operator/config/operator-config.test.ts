import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  V1Affinity,
  V1PodSecurityContext,
  V1SecurityContext,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import {
  DEFAULT_OPERATOR_CONFIG_DATA,
  parseOperatorConfig,
  readOperatorConfig,
  type OperatorConfig,
} from '../../../src/operator/config/operator-config.ts';
import { helmDefaultOperatorConfigMap } from './helm-rendered.ts';
import { problemsOf, readWithReport } from './helpers.ts';

const parse = (configMap: Record<string, string>, secret?: Record<string, string>) =>
  parseOperatorConfig({ configMap: { ...DEFAULT_OPERATOR_CONFIG_DATA, ...configMap }, secret });

function plain(config: OperatorConfig) {
  return { ...config, scanJob: { ...config.scanJob, excludeImages: config.scanJob.excludeImages.patterns } };
}

const defaults = {
  vulnerabilityReports: { scanJobsInSameNamespace: false },
  scanJob: {
    compressLogs: true,
    affinity: null,
    tolerations: [],
    nodeSelector: {},
    annotations: {},
    podTemplateLabels: {},
    podSecurityContext: null,
    containerSecurityContext: null,
    podPriorityClassName: null,
    automountServiceAccountToken: false,
    skipInitContainers: false,
    excludeImages: [],
    customVolumes: [],
    customVolumeMounts: [],
    useGcrServiceAccount: true,
  },
  nodeCollector: {
    tolerations: [],
    volumes: [],
    volumeMounts: [],
    excludeNodes: {},
    imageRef: 'ghcr.io/aquasecurity/node-collector:0.3.1',
    imagePullSecret: null,
    useNodeSelector: true,
  },
  compliance: { failEntriesLimit: 10 },
  report: { resourceLabels: [], additionalLabels: {}, recordFailedChecksOnly: true },
  metrics: { resourceLabelsPrefix: '' }, // Helm renders k8s_label_ (only with report.resourceLabels)
  skipResourceByLabels: [],
};

describe('operator ConfigMap: defaults', () => {
  it('a missing ConfigMap and Secret mean the defaults the operator writes (§4.2)', () => {
    assert.deepEqual(plain(parseOperatorConfig({})), defaults);
  });

  it('an empty ConfigMap means the same: missing keys take the documented defaults', () => {
    assert.deepEqual(plain(parseOperatorConfig({ configMap: {} })), defaults);
  });

  it("parses the chart's default rendering without warnings", () => {
    const { value, errors, warnings } = readWithReport((report) =>
      readOperatorConfig({ configMap: helmDefaultOperatorConfigMap, secret: {} }, report),
    );
    assert.deepEqual([errors, warnings], [[], []]);
    assert.deepEqual(value.scanJob.containerSecurityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
    });
    assert.equal(value.nodeCollector.volumes.length, 8);
    assert.deepEqual(value.nodeCollector.volumeMounts[5], {
      mountPath: '/lib/systemd/',
      name: 'lib-systemd',
      readOnly: true,
    });
  });
});

const tolerationsJson =
  '[{"key":"dedicated","operator":"Equal","value":"scans","effect":"NoSchedule"},{"operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]';
const affinityJson = JSON.stringify({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
      ],
    },
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 50, preference: { matchExpressions: [{ key: 'pool', operator: 'Exists' }] } },
    ],
  },
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 100,
        podAffinityTerm: {
          topologyKey: 'kubernetes.io/hostname',
          labelSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'trivy-operator' } },
        },
      },
    ],
  },
});

const valid: Array<[Record<string, string>, (config: OperatorConfig) => unknown, unknown]> = [
  [
    { 'vulnerabilityReports.scanJobsInSameNamespace': 'true' },
    (c) => c.vulnerabilityReports.scanJobsInSameNamespace,
    true,
  ],
  [{ 'vulnerabilityReports.scanner': 'trivy' }, (c) => c.vulnerabilityReports.scanJobsInSameNamespace, false],
  [{ 'scanJob.compressLogs': 'false' }, (c) => c.scanJob.compressLogs, false],
  [{ 'scanJob.affinity': affinityJson }, (c) => c.scanJob.affinity, JSON.parse(affinityJson)],
  [
    { 'scanJob.tolerations': tolerationsJson },
    (c) => c.scanJob.tolerations,
    [
      { key: 'dedicated', operator: 'Equal', value: 'scans', effect: 'NoSchedule' },
      { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  ],
  [{ 'scanJob.tolerations': '[]' }, (c) => c.scanJob.tolerations, []],
  [
    { 'scanJob.nodeSelector': '{"kubernetes.io/arch":"amd64","pool":""}' },
    (c) => c.scanJob.nodeSelector,
    { 'kubernetes.io/arch': 'amd64', pool: '' },
  ],
  [
    { 'scanJob.annotations': 'sidecar.istio.io/inject=false, example.com/query=a=b' },
    (c) => c.scanJob.annotations,
    { 'sidecar.istio.io/inject': 'false', 'example.com/query': 'a=b' },
  ],
  [
    { 'scanJob.podTemplateLabels': 'app=trivy-scan,team=security,' },
    (c) => c.scanJob.podTemplateLabels,
    { app: 'trivy-scan', team: 'security' },
  ],
  [
    {
      'scanJob.podTemplatePodSecurityContext':
        '{"runAsUser":10000,"fsGroup":10000,"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}',
    },
    (c) => c.scanJob.podSecurityContext,
    { runAsUser: 10000, fsGroup: 10000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  ],
  [
    // The chart's comment: "For filesystem scanning, Trivy needs to run as the root user".
    { 'scanJob.podTemplateContainerSecurityContext': '{"runAsUser":0,"privileged":false}' },
    (c) => c.scanJob.containerSecurityContext,
    { runAsUser: 0, privileged: false },
  ],
  [{ 'scanJob.podPriorityClassName': 'low-priority' }, (c) => c.scanJob.podPriorityClassName, 'low-priority'],
  [{ 'scanJob.automountServiceAccountToken': 'true' }, (c) => c.scanJob.automountServiceAccountToken, true],
  [{ 'scanJob.skipInitContainers': 'True' }, (c) => c.scanJob.skipInitContainers, true],
  [
    { 'scanJob.excludeImages': 'docker.io/library/busybox:*, *pause*' },
    (c) => c.scanJob.excludeImages.patterns,
    ['docker.io/library/busybox:*', '*pause*'],
  ],
  [
    {
      'scanJob.customVolumes': '[{"name":"certs","configMap":{"name":"ca-certs"}}]',
      'scanJob.customVolumesMount': '[{"name":"certs","mountPath":"/etc/ssl/custom","readOnly":true}]',
    },
    (c) => [c.scanJob.customVolumes, c.scanJob.customVolumeMounts],
    [
      [{ name: 'certs', configMap: { name: 'ca-certs' } }],
      [{ name: 'certs', mountPath: '/etc/ssl/custom', readOnly: true }],
    ],
  ],
  [{ 'scanJob.useGCRServiceAccount': 'false' }, (c) => c.scanJob.useGcrServiceAccount, false],
  [{ 'nodeCollector.tolerations': tolerationsJson }, (c) => c.nodeCollector.tolerations.length, 2],
  [
    { 'nodeCollector.excludeNodes': 'node-role.kubernetes.io/control-plane=,pool=gpu' },
    (c) => c.nodeCollector.excludeNodes,
    { 'node-role.kubernetes.io/control-plane': '', pool: 'gpu' },
  ],
  [
    { 'node.collector.imageRef': 'registry.local/node-collector:0.3.1' },
    (c) => c.nodeCollector.imageRef,
    'registry.local/node-collector:0.3.1',
  ],
  [{ 'node.collector.imagePullSecret': 'regcred' }, (c) => c.nodeCollector.imagePullSecret, 'regcred'],
  [{ 'node.collector.nodeSelector': 'false' }, (c) => c.nodeCollector.useNodeSelector, false],
  [{ 'compliance.failEntriesLimit': '25' }, (c) => c.compliance.failEntriesLimit, 25],
  [
    { 'report.resourceLabels': 'app.kubernetes.io/name, team' },
    (c) => c.report.resourceLabels,
    ['app.kubernetes.io/name', 'team'],
  ],
  [
    { 'report.additionalLabels': 'env=prod,cluster=eu-1' },
    (c) => c.report.additionalLabels,
    { env: 'prod', cluster: 'eu-1' },
  ],
  [{ 'report.recordFailedChecksOnly': 'false' }, (c) => c.report.recordFailedChecksOnly, false],
  [{ 'metrics.resourceLabelsPrefix': 'k8s_label_' }, (c) => c.metrics.resourceLabelsPrefix, 'k8s_label_'],
  [
    { skipResourceByLabels: 'trivy-skip,example.com/no-scan' },
    (c) => c.skipResourceByLabels,
    ['trivy-skip', 'example.com/no-scan'],
  ],
];

describe('operator ConfigMap: valid values', () => {
  for (const [configMap, pick, expected] of valid) {
    it(`reads ${JSON.stringify(configMap).slice(0, 120)}`, () => {
      assert.deepEqual(pick(parse(configMap)), expected);
    });
  }

  it('matches excludeImages globs against image references as upstream (filepath.Match-like)', () => {
    const { matches } = parse({ 'scanJob.excludeImages': 'docker.io/library/busybox:*,*pause*' }).scanJob
      .excludeImages;
    assert.equal(matches('docker.io/library/busybox:1.36'), true);
    assert.equal(matches('registry.k8s.io/pause:3.9'), false, '* does not cross "/"');
    assert.equal(matches('pause:3.9'), true);
    assert.equal(matches('docker.io/library/nginx:1.25'), false);
  });
});

const BOOL = 'must be true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)';
const CM = 'ConfigMap trivy-operator';
const invalid: Array<[Record<string, string>, string[]]> = [
  [
    { 'vulnerabilityReports.scanner': 'Grype' },
    [
      `${CM} vulnerabilityReports.scanner="Grype": is not a known scanner (trivy-ts produces Trivy-compatible reports only); use one of Trivy`,
    ],
  ],
  [
    { 'configAuditReports.scanner': 'Polaris' },
    [
      `${CM} configAuditReports.scanner="Polaris": is not a known scanner (trivy-ts produces Trivy-compatible reports only); use one of Trivy`,
    ],
  ],
  [
    { 'vulnerabilityReports.scanJobsInSameNamespace': 'yes' },
    [`${CM} vulnerabilityReports.scanJobsInSameNamespace="yes": ${BOOL}`],
  ],
  [{ 'scanJob.compressLogs': 'bzip2' }, [`${CM} scanJob.compressLogs="bzip2": ${BOOL}`]],
  [
    { 'scanJob.affinity': '{nodeAffinity: {}}' },
    [
      `${CM} scanJob.affinity="{nodeAffinity: {}}": is not valid JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)); expected e.g. {"nodeAffinity":{…}}`,
    ],
  ],
  [
    { 'scanJob.affinity': '{"nodeAfinity":{}}' },
    [
      `${CM} scanJob.affinity="{\\"nodeAfinity\\":{}}": has unknown field "nodeAfinity"; check the spelling against the Kubernetes API`,
    ],
  ],
  [
    {
      'scanJob.affinity':
        '{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"a","operator":"Equals"}]}]}}}',
    },
    [
      `${CM} scanJob.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator="Equals": must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt`,
    ],
  ],
  [
    {
      'scanJob.affinity':
        '{"podAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":0,"podAffinityTerm":{}}]}}',
    },
    [
      `${CM} scanJob.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight=0: must be at least 1`,
      `${CM} scanJob.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: is required`,
    ],
  ],
  [
    { 'scanJob.tolerations': '{"key":"a"}' },
    [`${CM} scanJob.tolerations="{\\"key\\":\\"a\\"}": must be a JSON array`],
  ],
  [
    { 'scanJob.tolerations': '[{"key":"a","effect":"NoRun","tolerationSecond":5}]' },
    [
      `${CM} scanJob.tolerations[0].effect="NoRun": must be one of "", NoSchedule, PreferNoSchedule, NoExecute`,
      `${CM} scanJob.tolerations[0]={"key":"a","effect":"NoRun","tolerationSecond":5}: has unknown field "tolerationSecond"; check the spelling against the Kubernetes API`,
    ],
  ],
  [
    { 'scanJob.tolerations': '[{"operator":"Exists","tolerationSeconds":"300"}]' },
    [`${CM} scanJob.tolerations[0].tolerationSeconds="300": must be a number`],
  ],
  [{ 'scanJob.nodeSelector': '{"pool":3}' }, [`${CM} scanJob.nodeSelector.pool=3: must be a string`]],
  [
    { 'scanJob.nodeSelector': '{"pool":"gpu nodes"}' },
    [
      `${CM} scanJob.nodeSelector.pool="gpu nodes": "gpu nodes" is not a valid label value (letters, digits, "-", "_" and ".", at most 63 characters)`,
    ],
  ],
  [{ 'scanJob.annotations': 'a=b,c' }, [`${CM} scanJob.annotations="a=b,c": "c" is not key=value`]],
  [
    { 'scanJob.annotations': '=x' },
    [
      `${CM} scanJob.annotations="=x": "" is not a valid label key ([prefix/]name: letters, digits, "-", "_", "." and at most 63 characters, starting and ending with a letter or digit)`,
    ],
  ],
  [
    { 'scanJob.podTemplateLabels': 'team=security ops' },
    [
      `${CM} scanJob.podTemplateLabels="team=security ops": "security ops" is not a valid label value (letters, digits, "-", "_" and ".", at most 63 characters)`,
    ],
  ],
  [
    { 'scanJob.podTemplatePodSecurityContext': '{"runAsUser":-1,"runAsNonroot":true}' },
    [
      `${CM} scanJob.podTemplatePodSecurityContext.runAsUser=-1: must be at least 0`,
      `${CM} scanJob.podTemplatePodSecurityContext="{\\"runAsUser\\":-1,\\"runAsNonroot\\":true}": has unknown field "runAsNonroot"; check the spelling against the Kubernetes API`,
    ],
  ],
  [
    { 'scanJob.podTemplateContainerSecurityContext': '{"capabilities":{"drop":"ALL"},"privileged":"false"}' },
    [
      `${CM} scanJob.podTemplateContainerSecurityContext.capabilities.drop="ALL": must be a JSON array`,
      `${CM} scanJob.podTemplateContainerSecurityContext.privileged="false": must be true or false`,
    ],
  ],
  [
    { 'scanJob.podTemplateContainerSecurityContext': '{"seccompProfile":{"type":"Default"}}' },
    [
      `${CM} scanJob.podTemplateContainerSecurityContext.seccompProfile.type="Default": must be one of RuntimeDefault, Unconfined, Localhost`,
    ],
  ],
  [
    { 'scanJob.podPriorityClassName': 'Low' },
    [
      `${CM} scanJob.podPriorityClassName="Low": "Low" is not a valid PriorityClass name (lowercase letters, digits, "-" and ".", at most 253 characters)`,
    ],
  ],
  [
    { 'scanJob.automountServiceAccountToken': 'no' },
    [`${CM} scanJob.automountServiceAccountToken="no": ${BOOL}`],
  ],
  [{ 'scanJob.skipInitContainers': 'y' }, [`${CM} scanJob.skipInitContainers="y": ${BOOL}`]],
  [
    { 'scanJob.customVolumes': '[{"name":"certs"}]' },
    [
      `${CM} scanJob.customVolumes[0]={"name":"certs"}: has no volume source (e.g. emptyDir, hostPath, configMap, secret)`,
    ],
  ],
  [
    { 'scanJob.customVolumes': '[{"name":"Certs","emptyDir":{}}]' },
    [
      `${CM} scanJob.customVolumes[0].name="Certs": "Certs" is not a valid volume name (lowercase letters, digits and "-", at most 63 characters)`,
    ],
  ],
  [
    { 'scanJob.customVolumesMount': '[{"name":"certs","mountPath":"etc/ssl"}]' },
    [`${CM} scanJob.customVolumesMount[0].mountPath="etc/ssl": must be an absolute path`],
  ],
  [
    { 'scanJob.customVolumesMount': '[{"name":"certs"}]' },
    [`${CM} scanJob.customVolumesMount[0].mountPath: is required`],
  ],
  [{ 'scanJob.useGCRServiceAccount': 'nope' }, [`${CM} scanJob.useGCRServiceAccount="nope": ${BOOL}`]],
  [
    { 'nodeCollector.volumes': 'hostPath' },
    [
      `${CM} nodeCollector.volumes="hostPath": is not valid JSON (Unexpected token 'h', "hostPath" is not valid JSON); expected e.g. [{"name":"certs","configMap":{"name":"ca-certs"}}]`,
    ],
  ],
  [
    { 'nodeCollector.excludeNodes': 'control-plane' },
    [`${CM} nodeCollector.excludeNodes="control-plane": "control-plane" is not key=value`],
  ],
  [
    { 'node.collector.imageRef': 'ghcr.io/aquasecurity/node-collector:' },
    [
      `${CM} node.collector.imageRef="ghcr.io/aquasecurity/node-collector:": is not an image reference: "" is not a valid tag; use e.g. ghcr.io/org/trivy-ts:1.0.0`,
    ],
  ],
  [
    { 'compliance.failEntriesLimit': 'all' },
    [`${CM} compliance.failEntriesLimit="all": must be a whole number, at least 1`],
  ],
  [
    { 'report.resourceLabels': 'app.kubernetes.io/name,bad key' },
    [
      `${CM} report.resourceLabels="app.kubernetes.io/name,bad key": "bad key" is not a valid label key ([prefix/]name: letters, digits, "-", "_", "." and at most 63 characters, starting and ending with a letter or digit)`,
    ],
  ],
  [
    { 'report.additionalLabels': 'env:prod' },
    [`${CM} report.additionalLabels="env:prod": "env:prod" is not key=value`],
  ],
  [{ 'report.recordFailedChecksOnly': 'failed' }, [`${CM} report.recordFailedChecksOnly="failed": ${BOOL}`]],
  [
    { 'metrics.resourceLabelsPrefix': 'k8s-label-' },
    [
      `${CM} metrics.resourceLabelsPrefix="k8s-label-": must be a Prometheus label name prefix (letters, digits and "_"), e.g. k8s_label_`,
    ],
  ],
  [
    { skipResourceByLabels: 'trivy skip' },
    [
      `${CM} skipResourceByLabels="trivy skip": "trivy skip" is not a valid label key ([prefix/]name: letters, digits, "-", "_", "." and at most 63 characters, starting and ending with a letter or digit)`,
    ],
  ],
];

describe('operator ConfigMap: invalid values', () => {
  for (const [configMap, messages] of invalid) {
    it(`rejects ${JSON.stringify(configMap).slice(0, 120)}`, () => {
      assert.deepEqual(
        problemsOf(() => parse(configMap)),
        messages,
      );
    });
  }
});

describe('operator Secret', () => {
  it('wins over the ConfigMap', () => {
    const config = parse({ 'scanJob.annotations': 'a=1' }, { 'scanJob.annotations': 'a=2' });
    assert.deepEqual(config.scanJob.annotations, { a: '2' });
  });

  it('never shows its values in messages', () => {
    assert.deepEqual(
      problemsOf(() => parse({}, { 'scanJob.tolerations': '[{"key":"token-abc","effect":"Never"}]' })),
      [
        'Secret trivy-operator scanJob.tolerations[0].effect: must be one of "", NoSchedule, PreferNoSchedule, NoExecute',
      ],
    );
  });
});

describe('operator ConfigMap: warnings', () => {
  const warnings = (configMap: Record<string, string>) =>
    readWithReport((report) => readOperatorConfig({ configMap }, report)).warnings;

  it('flags unknown keys, and accepts the keys trivy-ts has no use for', () => {
    assert.deepEqual(
      warnings({
        'scanJob.tolerration': '[]',
        'policies.bundle.oci.user': 'me',
        'trivy.serverURL': 'http://trivy-service.trivy-system:4954',
      }),
      [
        'ConfigMap trivy-operator scanJob.tolerration: is not a key trivy-ts knows and is ignored; check the spelling',
      ],
    );
  });

  it('flags a volume mount without its volume', () => {
    assert.deepEqual(warnings({ 'scanJob.customVolumesMount': '[{"name":"certs","mountPath":"/certs"}]' }), [
      'ConfigMap trivy-operator scanJob.customVolumesMount[0].name="certs": names no volume of scanJob.customVolumes; add the volume there or the scan Job will be rejected',
    ]);
  });
});

describe('operator ConfigMap: types', () => {
  it('yields objects that fit the Kubernetes client types of a Job spec', () => {
    const config = parse({
      'scanJob.tolerations': tolerationsJson,
      'scanJob.affinity': affinityJson,
      'scanJob.podTemplatePodSecurityContext': '{"runAsNonRoot":true}',
      'scanJob.podTemplateContainerSecurityContext': '{"readOnlyRootFilesystem":true}',
      'scanJob.customVolumes': '[{"name":"tmp","emptyDir":{}}]',
      'scanJob.customVolumesMount': '[{"name":"tmp","mountPath":"/tmp"}]',
    });
    // Compile-time checks (tsc): the parsed shapes are assignable to client-node's V1 types.
    const tolerations: V1Toleration[] = [...config.scanJob.tolerations];
    const affinity: V1Affinity | null = config.scanJob.affinity;
    const podSecurity: V1PodSecurityContext | null = config.scanJob.podSecurityContext;
    const containerSecurity: V1SecurityContext | null = config.scanJob.containerSecurityContext;
    const volumes: V1Volume[] = [...config.scanJob.customVolumes];
    const mounts: V1VolumeMount[] = [...config.scanJob.customVolumeMounts];
    assert.deepEqual(
      [
        tolerations.length,
        affinity?.nodeAffinity !== undefined,
        podSecurity,
        containerSecurity,
        volumes,
        mounts,
      ],
      [
        2,
        true,
        { runAsNonRoot: true },
        { readOnlyRootFilesystem: true },
        [{ name: 'tmp', emptyDir: {} }],
        [{ name: 'tmp', mountPath: '/tmp' }],
      ],
    );
  });
});
