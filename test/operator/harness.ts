/**
 * Test-only: a cluster to run the operator against — the Kubernetes API emulator with its simulated cluster,
 * Debian's docker-registry holding real OCI images built with umoci, and a fixture vulnerability DB pushed to the
 * same registry as the real trivy-db artifact. The operator itself is the production code, started in-process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { loadClusterConnection } from '../../src/operator/kube/kube-config.ts';
import { Operator } from '../../src/operator/operator.ts';
import { createLogger } from '../../src/util/logger.ts';
import { SimulatedCluster } from '../emulator/cluster/cluster.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { buildOciImage, pushImage, type LayerStep } from '../support/oci-image.ts';
import { pushDbArtifact, startRegistry, type RunningRegistry } from '../support/registry.ts';
import { buildTrivyDbLayer, TrivyDbFixture } from '../support/trivy-db-fixture.ts';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const ownImage = 'ghcr.io/trivy-ts/trivy-ts:dev';
export const operatorNamespace = 'trivy-system';

export const debianStatus = (packages: { name: string; version: string; source?: string }[]) =>
  packages
    .map(
      (pkg) =>
        `Package: ${pkg.name}\nStatus: install ok installed\nArchitecture: amd64\n` +
        `${pkg.source ? `Source: ${pkg.source}\n` : ''}Version: ${pkg.version}\nMaintainer: Debian <debian@example.org>\n`,
    )
    .join('\n');

/** A Debian 12 image with the given dpkg packages and optional extra files (npm packages, secrets). */
export function debianImage(
  packages: { name: string; version: string; source?: string }[],
  extra: Record<string, string> = {},
): LayerStep[] {
  return [
    { add: { 'etc/debian_version': '12.5\n', 'var/lib/dpkg/status': debianStatus(packages), ...extra } },
  ];
}

/** Advisories that match the images the tests build. */
export function fixtureDb(extra: (fixture: TrivyDbFixture) => void = () => undefined): TrivyDbFixture {
  const fixture = new TrivyDbFixture()
    .addDataSource('debian 12', {
      ID: 'debian',
      Name: 'Debian Security Tracker',
      URL: 'https://security-tracker.debian.org',
    })
    .addDataSource('npm::GitHub Security Advisory npm', {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory npm',
      URL: 'https://github.com/advisories',
    })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
    .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { Status: 2 })
    .addAdvisory('debian 12', 'zlib', 'CVE-2023-45853', { FixedVersion: '1:1.2.13.dfsg-2' })
    .addAdvisory('npm::GitHub Security Advisory npm', 'lodash', 'CVE-2021-23337', {
      VulnerableVersions: ['<4.17.21'],
      PatchedVersions: ['4.17.21'],
    })
    .addVulnerability('CVE-2024-5535', {
      Title: 'openssl: buffer overread',
      VendorSeverity: { debian: 3, nvd: 4 },
    })
    .addVulnerability('CVE-2022-3715', { Title: 'bash: heap overflow', VendorSeverity: { debian: 1 } })
    .addVulnerability('CVE-2023-45853', { Title: 'zlib: integer overflow', VendorSeverity: { debian: 4 } })
    .addVulnerability('CVE-2021-23337', { Title: 'lodash: command injection', VendorSeverity: { ghsa: 3 } });
  extra(fixture);
  return fixture;
}

export interface World {
  scratch: string;
  registry: RunningRegistry;
  emulator: Emulator;
  cluster: SimulatedCluster;
  kubeconfig: string;
  /** Pushes an image and returns its reference and manifest digest. */
  pushImage(name: string, steps: LayerStep[]): Promise<{ ref: string; digest: string }>;
  /** Pushes a DB artifact as `trivy-db:2` (a newer UpdatedAt each time). */
  pushDb(fixture: TrivyDbFixture): Promise<void>;
  kubectl(args: string[], input?: string): Promise<string>;
  /** `kubectl apply -f -` of the objects, as JSON. */
  apply(...objects: object[]): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(options: { maxProcesses?: number } = {}): Promise<World> {
  const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-operator-'));
  const registry = await startRegistry();
  const cluster = new SimulatedCluster({
    ownImage,
    maxProcesses: options.maxProcesses ?? 2,
    jobBackoffBaseMs: 200,
  });
  const emulator = await startEmulator({ extensions: [cluster], dir: join(scratch, 'kube') });
  const kubectl = async (args: string[], input?: string) => {
    const child = run('kubectl', ['--kubeconfig', emulator.kubeconfigPath, ...args], {
      env: { ...process.env, KUBECACHEDIR: join(scratch, 'kubecache') },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };
  await kubectl(['apply', '-f', join(repoRoot, 'deploy/helm/crds')]);
  await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  await kubectl(['create', 'namespace', operatorNamespace]);
  await kubectl(['create', 'serviceaccount', 'trivy-operator', '-n', operatorNamespace]);

  const layout = join(scratch, 'layout');
  return {
    scratch,
    registry,
    emulator,
    cluster,
    kubeconfig: emulator.kubeconfigPath,
    kubectl,
    async apply(...objects) {
      await kubectl(['apply', '-f', '-'], objects.map((object) => stringify(object)).join('---\n'));
    },
    async pushImage(name, steps) {
      const [repository = name, tag = 'latest'] = name.split(':');
      const built = await buildOciImage(layout, `${repository.replaceAll('/', '-')}-${tag}`, steps);
      const ref = `${registry.host}/${repository}:${tag}`;
      await pushImage(built, ref);
      const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      const digest = response.headers.get('docker-content-digest');
      if (!digest) throw new Error(`no digest for ${ref}`);
      cluster.setImageDigest(ref, digest);
      return { ref, digest };
    },
    async pushDb(fixture) {
      await pushDbArtifact(
        { url: registry.url, repository: 'trivy-db' },
        '2',
        await buildTrivyDbLayer(fixture),
      );
    },
    async close() {
      await emulator.close();
      await registry.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** The environment of an operator installed in `trivy-system`, pointed at the test registry. */
export function operatorEnv(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPERATOR_NAMESPACE: operatorNamespace,
    OPERATOR_IMAGE: ownImage,
    OPERATOR_CACHE_DIR: join(world.scratch, `operator-cache`),
    OPERATOR_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
    OPERATOR_METRICS_BIND_ADDRESS: '127.0.0.1:0',
    OPERATOR_SCAN_JOB_TIMEOUT: '2m',
    OPERATOR_SCANNER_REPORT_TTL: '',
    ...extra,
  };
}

/** trivy config data for the test registry: plain HTTP, the DB from it. */
export function trivyConfigData(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'trivy.dbRepository': `${world.registry.host}/trivy-db`,
    'trivy.dbRepositoryInsecure': 'true',
    'trivy.nonSslRegistry.test': world.registry.host,
    'trivy.severity': 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
    ...extra,
  };
}

export async function applyTrivyConfig(world: World, data: Record<string, string>): Promise<void> {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'trivy-operator-trivy-config', namespace: operatorNamespace },
    data,
  };
  await world.apply(configMap);
}

export async function startOperator(
  world: World,
  env: Record<string, string>,
  options: { identity?: string; onFatal?: (reason: string) => void } = {},
): Promise<Operator> {
  return Operator.start({
    connection: loadClusterConnection({ kubeconfig: world.kubeconfig }),
    env,
    logger: createLogger(process.env.TRIVY_TS_TEST_LOG ? 'debug' : 'silent'),
    ...options,
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** `kubectl get <kind> -n <ns> -o json` items. */
export async function getItems<T = Record<string, unknown>>(
  world: World,
  kind: string,
  namespace?: string,
): Promise<T[]> {
  const out = await world.kubectl(['get', kind, ...(namespace ? ['-n', namespace] : ['-A']), '-o', 'json']);
  return (JSON.parse(out) as { items: T[] }).items;
}

/** A Deployment manifest with the given containers (name → image). */
export function deployment(
  name: string,
  containers: Record<string, string>,
  options: { namespace?: string; replicas?: number; labels?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace ?? 'default', labels: { app: name, ...options.labels } },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...options.labels } },
        spec: {
          containers: Object.entries(containers).map(([container, image]) => ({ name: container, image })),
        },
      },
    },
  };
}
