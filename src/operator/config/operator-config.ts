import { z } from 'zod';
import { parseWithReport, type ConfigurationReport } from './configuration-error.ts';
import {
  affinity,
  labelMap,
  podSecurityContext,
  securityContext,
  toleration,
  volume,
  volumeMount,
  type Affinity,
  type PodSecurityContext,
  type SecurityContext,
  type Toleration,
  type Volume,
  type VolumeMount,
} from './kube-shapes.ts';
import { SourceReader, type SourceLayer } from './source-reader.ts';
import {
  checkQualifiedName,
  commaList,
  dnsSubdomain,
  globList,
  globs,
  goBool,
  imageReference,
  integer,
  json,
  keyValueList,
  oneOf,
  type GlobList,
} from './values.ts';

/**
 * ConfigMap `trivy-operator` merged with Secret `trivy-operator` (the Secret wins), contract §4.2. Secret values
 * arrive base64-encoded in the API's `data`; callers decode them and pass plain strings (`stringData` form).
 * Read once at start, as upstream.
 */

export interface OperatorConfig {
  readonly vulnerabilityReports: { readonly scanJobsInSameNamespace: boolean };
  readonly scanJob: {
    /** The Job's output is compressed on stdout. */
    readonly compressLogs: boolean;
    /** null: the default (linux nodes only). */
    readonly affinity: Affinity | null;
    readonly tolerations: readonly Toleration[];
    readonly nodeSelector: Readonly<Record<string, string>>;
    /** On the Job and its pod template. */
    readonly annotations: Readonly<Record<string, string>>;
    readonly podTemplateLabels: Readonly<Record<string, string>>;
    readonly podSecurityContext: PodSecurityContext | null;
    /** Applied to every scan container. */
    readonly containerSecurityContext: SecurityContext | null;
    readonly podPriorityClassName: string | null;
    readonly automountServiceAccountToken: boolean;
    readonly skipInitContainers: boolean;
    /** Containers whose image reference matches are not scanned (and no report is expected for them). */
    readonly excludeImages: GlobList;
    readonly customVolumes: readonly Volume[];
    readonly customVolumeMounts: readonly VolumeMount[];
    readonly useGcrServiceAccount: boolean;
  };
  /** Parsed for compatibility; trivy-ts does not run node collectors yet. */
  readonly nodeCollector: {
    readonly tolerations: readonly Toleration[];
    readonly volumes: readonly Volume[];
    readonly volumeMounts: readonly VolumeMount[];
    readonly excludeNodes: Readonly<Record<string, string>>;
    readonly imageRef: string;
    readonly imagePullSecret: string | null;
    readonly useNodeSelector: boolean;
  };
  readonly compliance: { readonly failEntriesLimit: number };
  readonly report: {
    /** Workload label keys copied onto reports and into metrics. */
    readonly resourceLabels: readonly string[];
    readonly additionalLabels: Readonly<Record<string, string>>;
    readonly recordFailedChecksOnly: boolean;
  };
  readonly metrics: { readonly resourceLabelsPrefix: string };
  /** Objects carrying any of these label keys are not scanned. */
  readonly skipResourceByLabels: readonly string[];
}

export const OPERATOR_CONFIG_MAP_NAME = 'trivy-operator';
export const OPERATOR_SECRET_NAME = 'trivy-operator';

/** What the operator writes when it creates the ConfigMap (§3.13); also what a missing ConfigMap means. */
export const DEFAULT_OPERATOR_CONFIG_DATA: Readonly<Record<string, string>> = Object.freeze({
  'vulnerabilityReports.scanner': 'Trivy',
  'configAuditReports.scanner': 'Trivy',
  'scanJob.compressLogs': 'true',
  'compliance.failEntriesLimit': '10',
  'report.recordFailedChecksOnly': 'true',
  'node.collector.imageRef': 'ghcr.io/aquasecurity/node-collector:0.3.1',
  'policies.bundle.oci.ref': 'mirror.gcr.io/aquasec/trivy-checks:1',
});

/** Keys upstream reads that do not apply to trivy-ts (checks are native; no Trivy server; set internally). */
const ACCEPTED_UNUSED = [
  'trivy.serverURL',
  'policies.bundle.oci.ref',
  'policies.bundle.insecure',
  'policies.bundle.oci.user',
  'policies.bundle.oci.password',
  'vulnerabilityScannerEnabled',
  'exposedSecretsScannerEnabled',
  'generateSbomEnabled',
];

const tolerations = json(
  z.array(toleration),
  '[{"key":"dedicated","operator":"Equal","value":"scans","effect":"NoSchedule"}]',
);
const volumes = json(z.array(volume), '[{"name":"certs","configMap":{"name":"ca-certs"}}]');
const volumeMounts = json(
  z.array(volumeMount),
  '[{"name":"certs","mountPath":"/etc/ssl/custom","readOnly":true}]',
);
const labelKeys = commaList(checkQualifiedName);
const prometheusPrefix = z
  .string()
  .regex(
    /^[a-zA-Z_][a-zA-Z0-9_]*$/,
    'must be a Prometheus label name prefix (letters, digits and "_"), e.g. k8s_label_',
  );

export interface OperatorConfigInput {
  /** `data` of ConfigMap trivy-operator; undefined when it does not exist (the defaults apply). */
  configMap?: Readonly<Record<string, string | undefined>> | undefined;
  /** `data` of Secret trivy-operator, base64-decoded. */
  secret?: Readonly<Record<string, string | undefined>> | undefined;
}

export function parseOperatorConfig(input: OperatorConfigInput): OperatorConfig {
  return parseWithReport((report) => readOperatorConfig(input, report));
}

export function readOperatorConfig(input: OperatorConfigInput, report: ConfigurationReport): OperatorConfig {
  const layers: SourceLayer[] = [
    {
      name: `ConfigMap ${OPERATOR_CONFIG_MAP_NAME}`,
      secret: false,
      data: input.configMap ?? DEFAULT_OPERATOR_CONFIG_DATA,
    },
    { name: `Secret ${OPERATOR_SECRET_NAME}`, secret: true, data: input.secret },
  ];
  const r = new SourceReader(report, layers);
  const bool = (key: string, fallback: boolean) => r.read(key, goBool, fallback);
  for (const key of ['vulnerabilityReports.scanner', 'configAuditReports.scanner']) {
    r.read(key, oneOf(['Trivy'], 'scanner (trivy-ts produces Trivy-compatible reports only)'), 'Trivy');
  }

  const customVolumes = r.read('scanJob.customVolumes', volumes, []);
  const customVolumeMounts = r.read('scanJob.customVolumesMount', volumeMounts, []);
  const volumeNames = new Set(customVolumes.map((entry) => entry.name));
  customVolumeMounts.forEach((mount, index) => {
    if (!volumeNames.has(mount.name)) {
      r.warn(
        `scanJob.customVolumesMount[${index}].name`,
        'names no volume of scanJob.customVolumes; add the volume there or the scan Job will be rejected',
        mount.name,
      );
    }
  });

  const result: OperatorConfig = {
    vulnerabilityReports: {
      scanJobsInSameNamespace: bool('vulnerabilityReports.scanJobsInSameNamespace', false),
    },
    scanJob: {
      compressLogs: bool('scanJob.compressLogs', true),
      affinity: r.optional('scanJob.affinity', json(affinity, '{"nodeAffinity":{…}}')) ?? null,
      tolerations: r.read('scanJob.tolerations', tolerations, []),
      nodeSelector: r.read('scanJob.nodeSelector', json(labelMap, '{"kubernetes.io/arch":"amd64"}'), {}),
      annotations: r.read('scanJob.annotations', keyValueList({ labels: false }), {}),
      podTemplateLabels: r.read('scanJob.podTemplateLabels', keyValueList({ labels: true }), {}),
      podSecurityContext:
        r.optional(
          'scanJob.podTemplatePodSecurityContext',
          json(podSecurityContext, '{"runAsNonRoot":true}'),
        ) ?? null,
      containerSecurityContext:
        r.optional(
          'scanJob.podTemplateContainerSecurityContext',
          json(securityContext, '{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}'),
        ) ?? null,
      podPriorityClassName:
        r.optional('scanJob.podPriorityClassName', dnsSubdomain('PriorityClass name')) ?? null,
      automountServiceAccountToken: bool('scanJob.automountServiceAccountToken', false),
      skipInitContainers: bool('scanJob.skipInitContainers', false),
      excludeImages: r.read('scanJob.excludeImages', globs, globList([])),
      customVolumes,
      customVolumeMounts,
      useGcrServiceAccount: bool('scanJob.useGCRServiceAccount', true),
    },
    nodeCollector: {
      tolerations: r.read('nodeCollector.tolerations', tolerations, []),
      volumes: r.read('nodeCollector.volumes', volumes, []),
      volumeMounts: r.read('nodeCollector.volumeMounts', volumeMounts, []),
      excludeNodes: r.read('nodeCollector.excludeNodes', keyValueList({ labels: true }), {}),
      imageRef: r.read(
        'node.collector.imageRef',
        imageReference,
        'ghcr.io/aquasecurity/node-collector:0.3.1',
      ),
      imagePullSecret: r.optional('node.collector.imagePullSecret', dnsSubdomain('Secret name')) ?? null,
      useNodeSelector: bool('node.collector.nodeSelector', true),
    },
    compliance: { failEntriesLimit: r.read('compliance.failEntriesLimit', integer({ min: 1 }), 10) },
    report: {
      resourceLabels: r.read('report.resourceLabels', labelKeys, []),
      additionalLabels: r.read('report.additionalLabels', keyValueList({ labels: true }), {}),
      recordFailedChecksOnly: bool('report.recordFailedChecksOnly', true),
    },
    // Helm renders k8s_label_ (trivyOperator.metricsResourceLabelsPrefix); the binary's default is "".
    metrics: { resourceLabelsPrefix: r.read('metrics.resourceLabelsPrefix', prometheusPrefix, '') },
    skipResourceByLabels: r.read('skipResourceByLabels', labelKeys, []),
  };
  for (const key of ACCEPTED_UNUSED) r.raw(key);
  for (const key of r.unreadKeys())
    r.warn(key, 'is not a key trivy-ts knows and is ignored; check the spelling');
  return result;
}
