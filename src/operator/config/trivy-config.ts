import { z } from 'zod';
import { DEFAULT_DB_REPOSITORIES } from '../../scanner/db/download/index.ts';
import { parsePlainIgnore, parseYamlIgnore, type IgnoreRules } from '../../scanner/report/filter.ts';
import { severities, type Severity } from '../../scanner/report/model.ts';
import type { UserFacingError } from '../../util/errors.ts';
import { parseWithReport, type ConfigurationReport } from './configuration-error.ts';
import { dbRepositories, readMirrors, registrySet } from './registry-settings.ts';
import { readResources, type ScanJobResources } from './scan-job-resources.ts';
import { SourceReader, type SourceLayer } from './source-reader.ts';
import { choiceList, commaList, duration, goBool, httpUrl, splitList } from './values.ts';

/**
 * ConfigMap/Secret `trivy-operator-trivy-config` (contract §4.3): the keys that shape trivy-ts's scans. Unlike the
 * operator ConfigMap it may change at runtime; settings-hash.ts tells when reports must be re-evaluated.
 * Secret values are passed base64-decoded. Keys for the Trivy binary (image, mode, server, Rego) are accepted and
 * ignored, since trivy-ts scans natively.
 */

export const ADDITIONAL_REPORT_FIELDS = [
  'Description',
  'Links',
  'CVSS',
  'Target',
  'Class',
  'PackageType',
  'PackagePath',
] as const;
export type AdditionalReportField = (typeof ADDITIONAL_REPORT_FIELDS)[number];

export const PACKAGE_TYPES = ['os', 'library'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** `Workload` in `trivy.supportedConfigAuditKinds` stands for these. */
export const WORKLOAD_KINDS = [
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Deployment',
] as const;
export const CONFIG_AUDIT_KINDS = [
  ...WORKLOAD_KINDS,
  'Service',
  'ConfigMap',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'Ingress',
  'LimitRange',
  'ResourceQuota',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
] as const;
export type ConfigAuditKind = (typeof CONFIG_AUDIT_KINDS)[number];

export interface TrivyConfig {
  /** Canonical order (UNKNOWN … CRITICAL); all of them when the key is empty. */
  readonly severities: readonly Severity[];
  readonly ignoreUnfixed: boolean;
  /** `trivy.vulnType`; both when empty. */
  readonly packageTypes: readonly PackageType[];
  readonly skipFiles: readonly string[];
  readonly skipDirs: readonly string[];
  /** `trivy.ignoreFile`, read as `.trivyignore` or, for a name ending in .yaml/.yml, `.trivyignore.yaml`. */
  readonly ignoreFile: {
    readonly name: string;
    readonly content: string;
    readonly rules: IgnoreRules;
  } | null;
  readonly additionalReportFields: readonly AdditionalReportField[];
  /** Tried in order, each with a tag (`:2` added when missing, as Trivy does): what `ensureDb` takes. */
  readonly dbRepositories: readonly string[];
  readonly dbRepositoryInsecure: boolean;
  readonly dbRepositoryCredentials: { readonly username: string; readonly password: string } | null;
  /** Registry hosts (normalised, `docker.io` → `index.docker.io`) reached with unverified TLS. */
  readonly insecureRegistries: readonly string[];
  /** Registry hosts reached over plain HTTP. */
  readonly nonSslRegistries: readonly string[];
  /** Registry host → mirrors tried first (`host[:port]`, optionally with a path prefix). */
  readonly registryMirrors: Readonly<Record<string, readonly string[]>>;
  readonly proxy: {
    readonly httpProxy: string | null;
    readonly httpsProxy: string | null;
    readonly noProxy: string | null;
  };
  /** Host directory with extra CA certificates, mounted into scan Jobs. */
  readonly sslCertDir: string | null;
  /** For scan Job containers, in the form of a container's `resources`. */
  readonly scanJobResources: ScanJobResources;
  /** Per image analysis. */
  readonly timeoutMs: number;
  readonly offlineScan: boolean;
  readonly supportedConfigAuditKinds: readonly ConfigAuditKind[];
}

export const TRIVY_CONFIG_NAME = 'trivy-operator-trivy-config';

/** What the Trivy plugin writes when it creates the ConfigMap (§4.3); also what a missing ConfigMap means. */
export const DEFAULT_TRIVY_CONFIG_DATA: Readonly<Record<string, string>> = Object.freeze({
  'trivy.repository': 'mirror.gcr.io/aquasec/trivy',
  'trivy.tag': '0.72.0',
  'trivy.imagePullPolicy': 'IfNotPresent',
  'trivy.mode': 'Standalone',
  'trivy.severity': 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
  'trivy.slow': 'true',
  'trivy.timeout': '5m0s',
  'trivy.dbRepository': 'mirror.gcr.io/aquasec/trivy-db',
  'trivy.javaDbRepository': 'mirror.gcr.io/aquasec/trivy-java-db',
  'trivy.dbRepositoryInsecure': 'false',
  'trivy.skipJavaDBUpdate': 'false',
  'trivy.imageScanCacheDir': '/tmp/trivy/.cache',
  'trivy.filesystemScanCacheDir': '/var/trivyoperator/trivy-db',
  'trivy.resources.requests.cpu': '100m',
  'trivy.resources.requests.memory': '100M',
  'trivy.resources.limits.cpu': '500m',
  'trivy.resources.limits.memory': '500M',
  // Helm renders "false" here and "true" for useEmbeddedRegoPolicies; trivy-ts ignores both (native checks).
  'trivy.useBuiltinRegoPolicies': 'true',
  'trivy.supportedConfigAuditKinds':
    'Workload,Service,Role,ClusterRole,NetworkPolicy,Ingress,LimitRange,ResourceQuota,PersistentVolume,PersistentVolumeClaim',
});

const SECRET_KEYS = [
  'trivy.githubToken',
  'trivy.dbRepositoryUsername',
  'trivy.dbRepositoryPassword',
  'trivy.serverToken',
  'trivy.serverCustomHeaders',
];

/** Keys for the Trivy binary, its image or its server: meaningful upstream, without effect in trivy-ts. */
const ACCEPTED_UNUSED = [
  'trivy.repository',
  'trivy.tag',
  'trivy.imagePullSecret',
  'trivy.imagePullPolicy',
  'trivy.mode',
  'trivy.command',
  'trivy.serverURL',
  'trivy.clientServerSkipUpdate',
  'trivy.serverTokenHeader',
  'trivy.serverInsecure',
  'trivy.slow',
  'trivy.sbomSources',
  'trivy.includeDevDeps',
  'trivy.javaDbRepository',
  'trivy.skipJavaDBUpdate',
  'trivy.imageScanCacheDir',
  'trivy.filesystemScanCacheDir',
  'trivy.useBuiltinRegoPolicies',
  'trivy.useEmbeddedRegoPolicies',
  'trivy.githubToken',
  'trivy.serverToken',
  'trivy.serverCustomHeaders',
];

const SECOND = 1_000;

export interface TrivyConfigInput {
  /** `data` of ConfigMap trivy-operator-trivy-config; undefined when it does not exist (the defaults apply). */
  configMap?: Readonly<Record<string, string | undefined>> | undefined;
  /** `data` of Secret trivy-operator-trivy-config, base64-decoded. */
  secret?: Readonly<Record<string, string | undefined>> | undefined;
}

export function parseTrivyConfig(input: TrivyConfigInput): TrivyConfig {
  return parseWithReport((report) => readTrivyConfig(input, report));
}

export function readTrivyConfig(input: TrivyConfigInput, report: ConfigurationReport): TrivyConfig {
  const layers: SourceLayer[] = [
    {
      name: `ConfigMap ${TRIVY_CONFIG_NAME}`,
      secret: false,
      data: input.configMap ?? DEFAULT_TRIVY_CONFIG_DATA,
    },
    { name: `Secret ${TRIVY_CONFIG_NAME}`, secret: true, data: input.secret },
  ];
  const r = new SourceReader(report, layers);
  for (const key of SECRET_KEYS) {
    if (input.configMap?.[key]?.trim() && input.secret?.[key] === undefined) {
      r.warn(key, `holds a credential in a ConfigMap; move it to Secret ${TRIVY_CONFIG_NAME}`);
    }
  }
  for (const key of ['trivy.httpProxy', 'trivy.httpsProxy']) r.hideValue(key);

  const result: TrivyConfig = {
    severities: r.read('trivy.severity', choiceList(severities, 'severity'), [...severities]),
    // Upstream's filesystem mode treats the key's mere presence as "on"; a value of false means off here.
    ignoreUnfixed: r.read('trivy.ignoreUnfixed', goBool, false),
    packageTypes: r.read('trivy.vulnType', choiceList(PACKAGE_TYPES, 'package type'), [...PACKAGE_TYPES]),
    skipFiles: r.read('trivy.skipFiles', commaList(), []),
    skipDirs: r.read('trivy.skipDirs', commaList(), []),
    ignoreFile: readIgnoreFile(r),
    additionalReportFields: r.read(
      'trivy.additionalVulnerabilityReportFields',
      choiceList(ADDITIONAL_REPORT_FIELDS, 'report field'),
      [],
    ),
    dbRepositories: r.read('trivy.dbRepository', dbRepositories, [...DEFAULT_DB_REPOSITORIES]),
    dbRepositoryInsecure: r.read('trivy.dbRepositoryInsecure', goBool, false),
    dbRepositoryCredentials: readDbCredentials(r),
    insecureRegistries: registrySet(r, 'trivy.insecureRegistry.'),
    nonSslRegistries: registrySet(r, 'trivy.nonSslRegistry.'),
    registryMirrors: readMirrors(r),
    proxy: {
      httpProxy: r.optional('trivy.httpProxy', httpUrl('proxy')) ?? null,
      httpsProxy: r.optional('trivy.httpsProxy', httpUrl('proxy')) ?? null,
      noProxy: r.text('trivy.noProxy') ?? null,
    },
    sslCertDir: r.optional('trivy.sslCertDir', absolutePath) ?? null,
    scanJobResources: readResources(r),
    timeoutMs: r.read('trivy.timeout', duration({ min: SECOND }), 5 * 60 * SECOND),
    offlineScan: r.read('trivy.offlineScan', goBool, false),
    supportedConfigAuditKinds: r.read('trivy.supportedConfigAuditKinds', configAuditKinds, [
      ...configAuditKinds.parse(DEFAULT_TRIVY_CONFIG_DATA['trivy.supportedConfigAuditKinds'] ?? ''),
    ]),
  };

  for (const key of r.keysWithPrefix('trivy.ignorePolicy')) {
    r.raw(key);
    r.warn(
      key,
      'is a Rego ignore policy, which trivy-ts does not run; express it in trivy.ignoreFile instead',
    );
  }
  if (r.has('trivy.configFile')) {
    r.warn('trivy.configFile', 'is not read by trivy-ts; set the equivalent trivy.* keys instead');
  }
  for (const key of ACCEPTED_UNUSED) r.raw(key);
  for (const key of r.unreadKeys()) {
    if (key.startsWith('trivy.'))
      r.warn(key, 'is not a key trivy-ts knows and is ignored; check the spelling');
  }
  return result;
}

const absolutePath = z.string().startsWith('/', 'must be an absolute path on the node, e.g. /etc/ssl/certs');

const configAuditKinds = z.string().transform((text, context) => {
  const wanted = new Set<ConfigAuditKind>();
  for (const item of splitList(text)) {
    if (item.toLowerCase() === 'workload') WORKLOAD_KINDS.forEach((kind) => wanted.add(kind));
    else {
      const kind = CONFIG_AUDIT_KINDS.find((known) => known.toLowerCase() === item.toLowerCase());
      if (kind) wanted.add(kind);
      else
        context.addIssue({
          code: 'custom',
          message: `${JSON.stringify(item)} is not a kind trivy-ts audits; use Workload or any of ${CONFIG_AUDIT_KINDS.join(', ')}`,
        });
    }
  }
  return CONFIG_AUDIT_KINDS.filter((kind) => wanted.has(kind));
});

function readIgnoreFile(r: SourceReader): TrivyConfig['ignoreFile'] {
  const name = r.text('trivy.ignoreFileName') ?? '.trivyignore';
  if (name.includes('/')) {
    r.error(
      'trivy.ignoreFileName',
      'must be a file name without "/", e.g. .trivyignore or .trivyignore.yaml',
      name,
    );
  }
  const content = r.raw('trivy.ignoreFile');
  if (content === undefined || content.trim() === '') return null;
  try {
    const rules = /\.ya?ml$/i.test(name)
      ? parseYamlIgnore(content, 'trivy.ignoreFile')
      : parsePlainIgnore(content, 'trivy.ignoreFile');
    return { name, content, rules };
  } catch (error) {
    const { message, hint } = error as UserFacingError;
    const detail = message
      .replace(/^trivy\.ignoreFile:(\d+):\s*/, 'line $1: ')
      .replace(/^trivy\.ignoreFile[:\s]*/, '');
    r.error('trivy.ignoreFile', `${detail}${hint ? `; ${hint}` : ''}`);
    return null;
  }
}

function readDbCredentials(r: SourceReader): TrivyConfig['dbRepositoryCredentials'] {
  const username = r.text('trivy.dbRepositoryUsername');
  const password = r.raw('trivy.dbRepositoryPassword');
  const hasPassword = password !== undefined && password !== '';
  if (username !== undefined && hasPassword) return { username, password };
  if (username !== undefined || hasPassword) {
    const [present, missing] =
      username === undefined
        ? ['trivy.dbRepositoryPassword', 'trivy.dbRepositoryUsername']
        : ['trivy.dbRepositoryUsername', 'trivy.dbRepositoryPassword'];
    r.error(present, `is set but ${missing} is not; set both in Secret ${TRIVY_CONFIG_NAME}, or neither`);
  }
  return null;
}
