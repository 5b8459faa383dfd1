import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shortHash } from '../../../src/operator/kube/hash.ts';
import {
  clusterSbomReportName,
  imageReportName,
  infraReportName,
  isDns1123Label,
  isDns1123Subdomain,
  isValidLabelValue,
  ownerScanJobName,
  resourceReportName,
  scanJobName,
} from '../../../src/operator/kube/naming.ts';

const long = (n: number) => 'a'.repeat(n);

describe('validity rules', () => {
  const cases: Array<[string, { label: boolean; dns1123: boolean; subdomain: boolean }]> = [
    ['nginx', { label: true, dns1123: true, subdomain: true }],
    ['', { label: true, dns1123: false, subdomain: false }],
    ['My_Value.1', { label: true, dns1123: false, subdomain: false }],
    ['web.example.com', { label: true, dns1123: false, subdomain: true }],
    ['-leading', { label: false, dns1123: false, subdomain: false }],
    ['trailing.', { label: false, dns1123: false, subdomain: false }],
    ['system:controller:job', { label: false, dns1123: false, subdomain: false }],
    [long(63), { label: true, dns1123: true, subdomain: true }],
    [long(64), { label: false, dns1123: false, subdomain: true }],
    [long(254), { label: false, dns1123: false, subdomain: false }],
    [`${long(63)}.${long(63)}`, { label: false, dns1123: false, subdomain: true }],
  ];
  for (const [value, expected] of cases) {
    it(`"${value.length > 20 ? `${value.slice(0, 12)}… (${value.length})` : value}"`, () => {
      assert.equal(isValidLabelValue(value), expected.label, 'label value');
      assert.equal(isDns1123Label(value), expected.dns1123, 'DNS-1123 label');
      assert.equal(isDns1123Subdomain(value), expected.subdomain, 'DNS-1123 subdomain');
    });
  }
});

describe('imageReportName', () => {
  const cases: Array<[string, string, string, string]> = [
    ['ReplicaSet', 'nginx-6d4cf56db6', 'nginx', 'replicaset-nginx-6d4cf56db6-nginx'],
    ['Pod', 'my-pod', 'app', 'pod-my-pod-app'],
    ['CronJob', 'hello', 'hello', 'cronjob-hello-hello'],
    ['StatefulSet', 'db.primary', 'postgres', 'statefulset-db.primary-postgres'],
  ];
  for (const [kind, owner, container, expected] of cases) {
    it(`${kind} ${owner} / ${container} → ${expected}`, () => {
      assert.equal(imageReportName(kind, owner, container), expected);
    });
  }

  it('hashes owner and container when the name would exceed 63 characters', () => {
    const owner = 'payments-api-with-a-really-long-deployment-name-7f9c8d6b5';
    const name = imageReportName('ReplicaSet', owner, 'istio-proxy');
    assert.equal(name, `replicaset-${shortHash(`${owner}-istio-proxy`)}`);
    assert.ok(name.length <= 63);
    assert.ok(isDns1123Label(name));
  });

  it('keeps a 63-character name and hashes a 64-character one', () => {
    const fits = imageReportName('Pod', long(63 - 'pod--c'.length), 'c');
    assert.equal(fits.length, 63);
    assert.ok(fits.startsWith('pod-a'));
    const over = imageReportName('Pod', long(64 - 'pod--c'.length), 'c');
    assert.match(over, /^pod-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('gives different hashed names to different containers of one long-named owner', () => {
    const owner = long(60);
    assert.notEqual(imageReportName('Pod', owner, 'a'), imageReportName('Pod', owner, 'b'));
  });
});

describe('resourceReportName', () => {
  it('writes <kind>-<name> for DNS-1123 names', () => {
    assert.equal(resourceReportName('ReplicaSet', 'wordpress-84bbf6f4dd'), 'replicaset-wordpress-84bbf6f4dd');
    assert.equal(resourceReportName('Role', 'admin'), 'role-admin');
    assert.equal(resourceReportName('ClusterRole', 'view'), 'clusterrole-view');
  });

  it('always hashes system: ClusterRoles', () => {
    for (const role of ['system:node', 'system:controller:job-controller', 'system:kube-dns']) {
      assert.equal(resourceReportName('ClusterRole', role), `clusterrole-${shortHash(role)}`);
    }
  });

  it('hashes dotted and over-long names', () => {
    const crd = 'vulnerabilityreports.aquasecurity.github.io';
    assert.equal(
      resourceReportName('CustomResourceDefinition', crd),
      `customresourcedefinition-${shortHash(crd)}`,
    );
    assert.equal(resourceReportName('ConfigMap', long(60)), `configmap-${shortHash(long(60))}`);
  });
});

describe('infraReportName', () => {
  it('keeps label-valid names and hashes the rest', () => {
    assert.equal(infraReportName('Pod', 'kube-apiserver-minikube'), 'pod-kube-apiserver-minikube');
    assert.equal(infraReportName('Node', 'kind-control-plane'), 'node-kind-control-plane');
    assert.equal(infraReportName('Node', 'ip-10-0-0-1.ec2.internal'), 'node-ip-10-0-0-1.ec2.internal');
    assert.equal(infraReportName('Node', long(70)), `node-${shortHash(long(70))}`);
  });
});

describe('clusterSbomReportName', () => {
  it('hashes <registry>/<repository without library/>:<tag>', () => {
    assert.equal(
      clusterSbomReportName('index.docker.io', 'library/nginx', '1.27'),
      shortHash('index.docker.io/nginx:1.27'),
    );
    assert.equal(
      clusterSbomReportName('k8s.io', 'kubernetes', '1.30.2'),
      shortHash('k8s.io/kubernetes:1.30.2'),
    );
  });
});

describe('scan Job names', () => {
  const digest = 'sha256:7d3ed2e9a1c84f6b5e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928171605f4e';

  it('keys upstream-style Jobs by owner kind, namespace and name', () => {
    const a = ownerScanJobName({ kind: 'ReplicaSet', namespace: 'shop', name: 'web-5d9c' });
    assert.match(a, /^scan-vulnerabilityreport-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.notEqual(a, ownerScanJobName({ kind: 'ReplicaSet', namespace: 'other', name: 'web-5d9c' }));
    assert.notEqual(a, ownerScanJobName({ kind: 'Pod', namespace: 'shop', name: 'web-5d9c' }));
  });

  it('keys trivy-ts Jobs by digest and platform, as valid DNS-1123 labels', () => {
    const amd64 = scanJobName(digest, 'linux/amd64');
    assert.ok(isDns1123Label(amd64), amd64);
    assert.ok(amd64.startsWith('scan-vulnerabilityreport-'));
    assert.equal(amd64, scanJobName(digest, 'linux/amd64'));
    assert.notEqual(amd64, scanJobName(digest, 'linux/arm64'));
  });

  it('rejects inputs that are not a digest or have no platform', () => {
    assert.throws(() => scanJobName('nginx:1.27', 'linux/amd64'), /image digest/);
    assert.throws(() => scanJobName(digest, ''), /platform/);
  });
});
