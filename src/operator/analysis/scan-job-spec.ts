import { createHash } from 'node:crypto';
import type {
  V1Affinity,
  V1Job,
  V1PodSecurityContext,
  V1ResourceRequirements,
  V1Secret,
  V1SecurityContext,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { pullReference, type AnalysisRequest } from './types.ts';

/** How scan Jobs are built: the operator's own image, and the `scanJob.*` / `trivy.resources.*` configuration. */
export interface ScanJobSettings {
  namespace: string;
  /** The operator's own image; Jobs run `trivy-ts scan-job` in it. */
  image: string;
  imagePullPolicy?: string;
  imagePullSecrets?: string[];
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  /** `activeDeadlineSeconds`; 0 = none. */
  timeoutSeconds: number;
  /** `ttlSecondsAfterFinished`; the operator deletes finished Jobs itself either way. */
  ttlSecondsAfterFinished?: number;
  resources?: V1ResourceRequirements;
  tolerations?: V1Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: V1Affinity;
  podSecurityContext?: V1PodSecurityContext;
  containerSecurityContext?: V1SecurityContext;
  priorityClassName?: string;
  annotations?: Record<string, string>;
  podTemplateLabels?: Record<string, string>;
  customVolumes?: V1Volume[];
  customVolumeMounts?: V1VolumeMount[];
}

export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'trivy-operator';
/** Upstream's scan Job label, kept so policies and dashboards that select scan Jobs keep working. */
export const scannerLabel = 'vulnerabilityReport.scanner';
export const scanJobLabel = 'trivy-ts.aquasecurity.github.io/scan';
export const scanJobSelector = `${managedByLabel}=${managedByValue},${scanJobLabel}=image`;

const annotationPrefix = 'trivy-ts.aquasecurity.github.io/';
export const digestAnnotation = `${annotationPrefix}image-digest`;
export const platformAnnotation = `${annotationPrefix}image-platform`;
export const repositoryAnnotation = `${annotationPrefix}image-repository`;

export const scanContainerName = 'scan';

/** One Job per (digest, platform) for the whole cluster: the name is derived from them, so a second create is a 409. */
export function scanJobName(digest: string, platform: string): string {
  const hash = createHash('sha256').update(`${digest}|${platform}`).digest('hex').slice(0, 16);
  return `scan-vulnerabilityreport-${hash}`;
}

/** The credentials Secret, created before its Job and then owned by it (so it goes when the Job goes). */
export function buildCredentialsSecret(
  request: AnalysisRequest,
  settings: ScanJobSettings,
): V1Secret | undefined {
  if (!request.credentials) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${scanJobName(request.digest, request.platform)}-regcred`,
      namespace: settings.namespace,
      labels: { [managedByLabel]: managedByValue, [scanJobLabel]: 'credentials' },
    },
    type: 'Opaque',
    stringData: { username: request.credentials.username, password: request.credentials.password },
  };
}

export function buildScanJob(request: AnalysisRequest, settings: ScanJobSettings): V1Job {
  const name = scanJobName(request.digest, request.platform);
  const labels = { [managedByLabel]: managedByValue, [scannerLabel]: 'Trivy', [scanJobLabel]: 'image' };
  const annotations = {
    ...settings.annotations,
    [digestAnnotation]: request.digest,
    [platformAnnotation]: request.platform,
    [repositoryAnnotation]: request.repository,
  };
  const args = ['scan-job', pullReference(request), '--platform', request.platform];
  if (request.insecure) args.push('--insecure');
  if (!request.scanSecrets) args.push('--no-secrets');
  for (const glob of request.skip?.files ?? []) args.push('--skip-files', glob);
  for (const glob of request.skip?.dirs ?? []) args.push('--skip-dirs', glob);
  for (const [host, mirrors] of Object.entries(request.mirrors)) {
    for (const mirror of mirrors) args.push('--registry-mirror', `${host}=${mirror}`);
  }
  const secretName = request.credentials ? `${name}-regcred` : undefined;
  const credentialEnv = secretName
    ? [
        { name: 'TRIVY_USERNAME', valueFrom: { secretKeyRef: { name: secretName, key: 'username' } } },
        { name: 'TRIVY_PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } },
      ]
    : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: settings.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      completions: 1,
      ...(settings.timeoutSeconds > 0 ? { activeDeadlineSeconds: settings.timeoutSeconds } : {}),
      ...(settings.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished }
        : {}),
      template: {
        metadata: { labels: { ...settings.podTemplateLabels, ...labels }, annotations },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: settings.serviceAccountName,
          automountServiceAccountToken: settings.automountServiceAccountToken,
          affinity: settings.affinity ?? {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
                ],
              },
            },
          },
          ...(settings.imagePullSecrets?.length
            ? { imagePullSecrets: settings.imagePullSecrets.map((secret) => ({ name: secret })) }
            : {}),
          ...(settings.tolerations?.length ? { tolerations: settings.tolerations } : {}),
          ...(settings.nodeSelector ? { nodeSelector: settings.nodeSelector } : {}),
          ...(settings.podSecurityContext ? { securityContext: settings.podSecurityContext } : {}),
          ...(settings.priorityClassName ? { priorityClassName: settings.priorityClassName } : {}),
          volumes: [{ name: 'tmp', emptyDir: {} }, ...(settings.customVolumes ?? [])],
          containers: [
            {
              name: scanContainerName,
              image: settings.image,
              ...(settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {}),
              command: ['trivy-ts'],
              args,
              env: [{ name: 'TMPDIR', value: '/tmp' }, ...credentialEnv],
              ...(settings.resources ? { resources: settings.resources } : {}),
              ...(settings.containerSecurityContext
                ? { securityContext: settings.containerSecurityContext }
                : {}),
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(settings.customVolumeMounts ?? [])],
            },
          ],
        },
      },
    },
  };
}

/** The request a Job was made for, read back from its annotations (after an operator restart). */
export function requestOfJob(
  job: V1Job,
): { digest: string; platform: string; repository: string } | undefined {
  const annotations = job.metadata?.annotations ?? {};
  const digest = annotations[digestAnnotation];
  const platform = annotations[platformAnnotation];
  const repository = annotations[repositoryAnnotation];
  return digest && platform && repository ? { digest, platform, repository } : undefined;
}
