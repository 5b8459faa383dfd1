import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trivyTs } from '../support/cli.ts';

const run = (args: string[], input?: string) =>
  trivyTs(args, { env: { NO_COLOR: '1' }, ...(input === undefined ? {} : { input }) });

interface JsonMisconfiguration {
  ID: string;
  AVDID: string;
  Message?: string;
  Namespace: string;
  Query: string;
  Severity: string;
  PrimaryURL?: string;
  References?: string[];
  Status: string;
  Type: string;
}
interface JsonResult {
  Target: string;
  Class: string;
  Type: string;
  MisconfSummary: { Successes: number; Failures: number };
  Misconfigurations?: JsonMisconfiguration[];
}

function results(stdout: string): JsonResult[] {
  const report = JSON.parse(stdout) as {
    SchemaVersion: number;
    ArtifactType: string;
    Results?: JsonResult[];
  };
  assert.equal(report.SchemaVersion, 2);
  return report.Results ?? [];
}

const failures = (result: JsonResult | undefined) =>
  (result?.Misconfigurations ?? []).filter((entry) => entry.Status === 'FAIL');

const superuser = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: superuser
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`;

const authenticatedBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everyone
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
`;

const hardenedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hardened', namespace: 'shop' },
  spec: {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'app',
        image: 'registry.example/app@sha256:' + 'a'.repeat(64),
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      },
    ],
  },
};

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'config-cli-'));
  writeFileSync(join(root, 'superuser.yaml'), superuser);
  writeFileSync(join(root, 'binding.yaml'), authenticatedBinding);
  const tree = join(root, 'tree');
  mkdirSync(join(tree, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(tree, 'nested', 'deeper', 'role.yml'), superuser.replace('ClusterRole', 'Role'));
  writeFileSync(
    join(tree, 'list.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [hardenedPod, { ...hardenedPod, metadata: { name: 'p2' } }],
    }),
  );
  writeFileSync(join(tree, 'values.yaml'), 'replicaCount: 2\nimage: {repository: nginx}\n');
  writeFileSync(join(tree, 'README.md'), 'kind: ClusterRole\n');
  writeFileSync(
    join(root, 'broken.yaml'),
    `${superuser}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n---\n${authenticatedBinding}`,
  );
  writeFileSync(
    join(root, 'policies.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: trivy-operator-policies-config}',
      'data:',
      '  policy.owner_label.kinds: "*"',
      '  policy.owner_label.id: ORG-0001',
      '  policy.owner_label.title: Owner label',
      '  policy.owner_label.severity: HIGH',
      '  policy.owner_label.expression: "!has(object.metadata.labels) || !(\'owner\' in object.metadata.labels)"',
      '  policy.owner_label.message: "{kind} \'{name}\' has no owner label"',
      '  policy.broken.kinds: Pod',
      '  policy.broken.id: ORG-0002',
      '  policy.broken.title: Broken',
      '  policy.broken.severity: SEVERE',
      '  policy.broken.expression: "true"',
      '  policy.broken.message: never',
      '',
    ].join('\n'),
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('trivy-ts config', () => {
  it('flags a ClusterRole with * verbs on * resources with KSV-0044 and KSV-0046, honouring --exit-code', async () => {
    const { code, stdout } = await run([
      'config',
      '--format',
      'json',
      '--exit-code',
      '3',
      join(root, 'superuser.yaml'),
    ]);
    assert.equal(code, 3);
    const [result, ...others] = results(stdout);
    assert.deepEqual(others, []);
    assert.equal(result?.Target, join(root, 'superuser.yaml'));
    assert.equal(result?.Class, 'config');
    assert.equal(result?.Type, 'kubernetes');
    assert.deepEqual(
      failures(result).map((entry) => [entry.AVDID, entry.Severity, entry.Message]),
      [
        ['AVD-KSV-0044', 'CRITICAL', 'Role permits wildcard verb on wildcard resource'],
        ['AVD-KSV-0046', 'CRITICAL', "ClusterRole 'superuser' shouldn't manage all resources"],
      ],
    );
    const entry = failures(result)[0];
    assert.equal(entry?.Type, 'Kubernetes Security Check');
    assert.equal(entry?.ID, 'KSV-0044');
    assert.equal(entry?.Namespace, 'builtin.kubernetes.KSV044');
    assert.equal(entry?.Query, 'data.builtin.kubernetes.KSV044.deny');
    assert.equal(entry?.PrimaryURL, 'https://avd.aquasec.com/misconfig/avd-ksv-0044');
    assert.ok(entry?.References?.includes(entry.PrimaryURL ?? ''));
    assert.equal(result?.MisconfSummary.Failures, 2);
    assert.ok((result?.MisconfSummary.Successes ?? 0) > 0);
    assert.equal(result?.Misconfigurations?.length, 2, 'passes are not listed by default');
  });

  it('lists passes with --include-non-failures and filters by --severity', async () => {
    const { code, stdout } = await run([
      'config',
      '-f',
      'json',
      '--include-non-failures',
      '--severity',
      'critical',
      join(root, 'superuser.yaml'),
    ]);
    assert.equal(code, 0, 'no --exit-code: findings do not change the exit code');
    const [result] = results(stdout);
    const entries = result?.Misconfigurations ?? [];
    assert.ok(entries.every((entry) => entry.Severity === 'CRITICAL'));
    const passes = entries.filter((entry) => entry.Status === 'PASS');
    assert.equal(passes.length, result?.MisconfSummary.Successes);
    assert.ok(passes.length > 0 && passes.every((entry) => entry.Message === undefined));
    assert.ok(
      passes.some((entry) => entry.ID === 'KSV-0041'),
      'KSV-0041 passes: `*` is not "secrets"',
    );
    assert.equal(result?.MisconfSummary.Failures, 2);
  });

  it('walks directories for .yaml/.yml/.json, expands Lists and skips non-Kubernetes YAML', async () => {
    const { code, stdout } = await run([
      'config',
      '--format',
      'json',
      '--include-non-failures',
      join(root, 'tree'),
    ]);
    assert.equal(code, 0);
    const found = results(stdout);
    assert.deepEqual(
      found.map((result) => result.Target),
      [join(root, 'tree', 'list.json'), join(root, 'tree', 'nested', 'deeper', 'role.yml')],
    );
    const roleFailures = failures(found[1]).map((entry) => entry.ID);
    assert.deepEqual(roleFailures, ['KSV-0044', 'KSV-0112']);
    const podMessages = (found[0]?.Misconfigurations ?? []).map((entry) => entry.Message).filter(Boolean);
    assert.ok(
      podMessages.some((message) => message?.startsWith('pod p2 in default namespace')),
      'both List items are audited',
    );
  });

  it('reads Helm-rendered output from stdin with -', async () => {
    const rendered = `---\n# Source: chart/templates/role.yaml\n${superuser}---\n# Source: chart/templates/empty.yaml\n---\n${authenticatedBinding}`;
    const { code, stdout } = await run(['config', '-f', 'json', '-'], rendered);
    assert.equal(code, 0);
    const [result] = results(stdout);
    assert.equal(result?.Target, '-');
    assert.deepEqual(
      failures(result).map((entry) => entry.ID),
      ['KSV-0044', 'KSV-0046'],
    );
  });

  it('reports a malformed document with file and line and audits the rest', async () => {
    const file = join(root, 'broken.yaml');
    const { code, stdout, stderr } = await run([
      'config',
      '-f',
      'json',
      '--k8s-version',
      '1.29.3-gke.100',
      file,
    ]);
    assert.equal(code, 0);
    assert.match(stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1[3-5]: not valid YAML`));
    const [result] = results(stdout);
    assert.deepEqual(
      failures(result).map((entry) => entry.ID),
      ['KSV-0044', 'KSV-0046', 'KSV-01011'],
    );
  });

  it('uses --k8s-version for KSV-01011 (GKE only)', async () => {
    const binding = join(root, 'binding.yaml');
    const gke = await run(['config', '-f', 'json', '--k8s-version', 'v1.30.2-gke.1587003', binding]);
    assert.deepEqual(
      failures(results(gke.stdout)[0]).map((entry) => entry.Message),
      [`ClusterRoleBinding 'everyone' should not bind to roles {"system:authenticated"}`],
    );
    const vanilla = await run(['config', '-f', 'json', '--k8s-version', '1.30.2', binding]);
    assert.deepEqual(failures(results(vanilla.stdout)[0]), []);
  });

  it('runs custom CEL checks from --policies-config, reporting a broken one without stopping the others', async () => {
    const { code, stdout, stderr } = await run([
      'config',
      '-f',
      'json',
      '--exit-code',
      '1',
      '--policies-config',
      join(root, 'policies.yaml'),
      join(root, 'superuser.yaml'),
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /custom check \\?"broken\\?": \.severity must be LOW, MEDIUM, HIGH or CRITICAL/);
    const entries = failures(results(stdout)[0]);
    assert.deepEqual(
      entries.map((entry) => [entry.ID, entry.Message]),
      [
        ['KSV-0044', 'Role permits wildcard verb on wildcard resource'],
        ['KSV-0046', "ClusterRole 'superuser' shouldn't manage all resources"],
        ['ORG-0001', "ClusterRole 'superuser' has no owner label"],
      ],
    );
    const custom = entries[2];
    assert.equal(custom?.AVDID, 'ORG-0001');
    assert.equal(custom?.Namespace, 'custom.kubernetes.owner_label');
    assert.match(custom?.Query ?? '', /owner/);
  });

  it('prints a table by default', async () => {
    const { code, stdout } = await run(['config', join(root, 'superuser.yaml')]);
    assert.equal(code, 0);
    assert.match(stdout, /Report Summary/);
    assert.match(stdout, /Tests: \d+ \(SUCCESSES: \d+, FAILURES: 2\)/);
    assert.match(stdout, /Failures: 2 \(LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 2\)/);
    assert.match(
      stdout,
      /CRITICAL AVD-KSV-0046: Manage all resources\n {2}ClusterRole 'superuser' shouldn't manage all resources/,
    );
    assert.match(stdout, /lines 1-8/);
  });

  it('documents every option in --help', async () => {
    const { code, stdout } = await run(['config', '--help']);
    assert.equal(code, 0);
    for (const option of [
      '--severity',
      '--exit-code',
      '--format',
      '--output',
      '--include-non-failures',
      '--k8s-version',
      '--policies-config',
      'policy.<name>',
      'true means the object FAILS',
    ]) {
      assert.ok(stdout.includes(option), option);
    }
  });

  it('fails clearly on a missing path and on a bad severity', async () => {
    const missing = await run(['config', join(root, 'nope.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
    const severity = await run(['config', '--severity', 'SEVERE', join(root, 'superuser.yaml')]);
    assert.equal(severity.code, 1);
    assert.match(severity.stderr, /unknown severity "SEVERE"/);
  });
});
