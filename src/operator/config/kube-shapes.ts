import { z } from 'zod';
import { checkDnsLabel, checkedString, checkLabelValue, checkQualifiedName } from './values.ts';

/**
 * Shapes of the Kubernetes objects users put into `scanJob.*` as JSON. Field names and enums follow the core/v1 API;
 * objects are strict where a misspelt field would silently weaken a scan Job (security contexts, tolerations), and
 * loose where the API has many variants (volume sources). The inferred types are assignable to client-node's V1 types.
 */

const labelKey = checkedString(checkQualifiedName);
const labelValue = checkedString(checkLabelValue);
const nonNegativeInt64 = z.number().int().min(0);

export const labelMap = z.record(labelKey, labelValue);

export const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});
export type Toleration = z.infer<typeof toleration>;

const selectorRequirement = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(z.string()).optional(),
});
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(selectorRequirement).optional(),
  matchFields: z.array(selectorRequirement).optional(),
});
const labelSelector = z.strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string().min(1),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
const weight = z.number().int().min(1).max(100);
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight, podAffinityTerm }))
    .optional(),
});

export const affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm) })
        .optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(z.strictObject({ weight, preference: nodeSelectorTerm }))
        .optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});
export type Affinity = z.infer<typeof affinity>;

const profile = z.strictObject({
  type: z.enum(['RuntimeDefault', 'Unconfined', 'Localhost']),
  localhostProfile: z.string().optional(),
});
const seLinuxOptions = z.strictObject({
  user: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  level: z.string().optional(),
});
const windowsOptions = z.strictObject({
  gmsaCredentialSpecName: z.string().optional(),
  gmsaCredentialSpec: z.string().optional(),
  runAsUserName: z.string().optional(),
  hostProcess: z.boolean().optional(),
});

export const podSecurityContext = z.strictObject({
  appArmorProfile: profile.optional(),
  fsGroup: nonNegativeInt64.optional(),
  fsGroupChangePolicy: z.enum(['OnRootMismatch', 'Always']).optional(),
  runAsGroup: nonNegativeInt64.optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: nonNegativeInt64.optional(),
  seLinuxChangePolicy: z.enum(['MountOption', 'Recursive']).optional(),
  seLinuxOptions: seLinuxOptions.optional(),
  seccompProfile: profile.optional(),
  supplementalGroups: z.array(nonNegativeInt64).optional(),
  supplementalGroupsPolicy: z.enum(['Merge', 'Strict']).optional(),
  sysctls: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
  windowsOptions: windowsOptions.optional(),
});
export type PodSecurityContext = z.infer<typeof podSecurityContext>;

export const securityContext = z.strictObject({
  allowPrivilegeEscalation: z.boolean().optional(),
  appArmorProfile: profile.optional(),
  capabilities: z
    .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
    .optional(),
  privileged: z.boolean().optional(),
  procMount: z.enum(['Default', 'Unmasked']).optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  runAsGroup: nonNegativeInt64.optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: nonNegativeInt64.optional(),
  seLinuxOptions: seLinuxOptions.optional(),
  seccompProfile: profile.optional(),
  windowsOptions: windowsOptions.optional(),
});
export type SecurityContext = z.infer<typeof securityContext>;

/** A volume: a name plus one of the many volume sources, which the API server validates in detail. */
export const volume = z
  .looseObject({ name: checkedString(checkDnsLabel('volume name')) })
  .superRefine((value, context) => {
    if (Object.keys(value).length < 2)
      context.addIssue({
        code: 'custom',
        message: 'has no volume source (e.g. emptyDir, hostPath, configMap, secret)',
      });
  });
export type Volume = z.infer<typeof volume>;

export const volumeMount = z.strictObject({
  name: z.string().min(1),
  mountPath: z.string().startsWith('/', 'must be an absolute path'),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
  subPathExpr: z.string().optional(),
  mountPropagation: z.enum(['None', 'HostToContainer', 'Bidirectional']).optional(),
  recursiveReadOnly: z.enum(['Disabled', 'IfPossible', 'Enabled']).optional(),
});
export type VolumeMount = z.infer<typeof volumeMount>;
