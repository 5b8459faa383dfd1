import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CustomCheckDefinitionError,
  CustomCheckEvaluationError,
  evaluateCustomChecks,
  loadCustomChecks,
  renderCustomMessage,
} from '../../../src/checks/custom/index.ts';
import type { KubernetesObject } from '../../../src/checks/types.ts';

function policy(name: string, fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, value]) => [`policy.${name}.${field}`, value]),
  );
}

const hostNetwork = policy('host_network', {
  kinds: 'Pod, Deployment',
  id: 'CUSTOM-0001',
  title: 'Host network',
  severity: 'high',
  description: 'Pods on the host network see node traffic.',
  remediation: 'Remove hostNetwork.',
  expression: 'has(object.spec.hostNetwork) && object.spec.hostNetwork == true',
  message: "{kind} '{name}' in '{namespace}' uses the host network",
});

const team = policy('team_label', {
  kinds: '*',
  id: 'CUSTOM-0002',
  title: 'Team label',
  severity: 'LOW',
  expression: "!has(object.metadata.labels) || !('team' in object.metadata.labels)",
  message: "{kind} '{name}' has no team label",
});

const replicas = policy('replicas', {
  kinds: 'Workload',
  id: 'CUSTOM-0003',
  title: 'Too few replicas',
  severity: 'MEDIUM',
  // Integral JSON numbers are CEL ints, so arithmetic with int literals works.
  expression: "object.kind == 'Deployment' && object.spec.replicas + 1 < 3",
  message: '{name} runs fewer than 2 replicas',
});

const pod: KubernetesObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { team: 'a' } },
  spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] },
};

describe('loadCustomChecks', () => {
  it('builds checks with the metadata of the ConfigMap keys', () => {
    const { checks, problems } = loadCustomChecks({ ...hostNetwork, ...team, ...replicas });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      checks.map((check) => [check.id, check.title, check.severity, check.kinds, check.aliases]),
      [
        ['CUSTOM-0001', 'Host network', 'HIGH', ['Pod', 'Deployment'], []],
        ['CUSTOM-0002', 'Team label', 'LOW', '*', []],
        [
          'CUSTOM-0003',
          'Too few replicas',
          'MEDIUM',
          [
            'Pod',
            'ReplicationController',
            'ReplicaSet',
            'StatefulSet',
            'DaemonSet',
            'CronJob',
            'Job',
            'Deployment',
          ],
          [],
        ],
      ],
    );
    assert.equal(checks[0]?.description, 'Pods on the host network see node traffic.');
    assert.equal(checks[0]?.remediation, 'Remove hostNetwork.');
    assert.equal(checks[1]?.description, '');
  });

  it('evaluates CEL: true means FAIL, with the message placeholders filled', () => {
    const { checks } = loadCustomChecks({ ...hostNetwork, ...team });
    const [host, label] = checks;
    assert.ok(host && label);
    assert.deepEqual(host.evaluate(pod, {}), [{ message: "Pod 'web' in 'shop' uses the host network" }]);
    assert.deepEqual(label.evaluate(pod, {}), []);
    const bare: KubernetesObject = { kind: 'Pod', metadata: { name: 'bare' }, spec: {} };
    assert.deepEqual(host.evaluate(bare, {}), []);
    assert.deepEqual(label.evaluate(bare, {}), [{ message: "Pod 'bare' has no team label" }]);
  });

  it('treats integral numbers as CEL ints', () => {
    const { checks } = loadCustomChecks(replicas);
    const deployment = (count: number): KubernetesObject => ({
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { replicas: count },
    });
    assert.deepEqual(checks[0]?.evaluate(deployment(1), {}), [{ message: 'api runs fewer than 2 replicas' }]);
    assert.deepEqual(checks[0]?.evaluate(deployment(2), {}), []);
  });

  it('supports macros and string extensions', () => {
    const { checks, problems } = loadCustomChecks(
      policy('latest', {
        kinds: 'Pod',
        id: 'CUSTOM-0010',
        title: 'Latest tag',
        severity: 'LOW',
        expression:
          "object.spec.containers.exists(c, c.image.lowerAscii().endsWith(':latest') || !c.image.contains(':'))",
        message: 'uses latest',
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(checks[0]?.evaluate(pod, {}).length, 1);
    const pinned = { ...pod, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    assert.equal(checks[0]?.evaluate(pinned, {}).length, 0);
  });

  it('reports each broken policy clearly and keeps the good ones', () => {
    const { checks, problems } = loadCustomChecks(
      {
        ...hostNetwork,
        ...policy('bad_cel', {
          kinds: 'Pod',
          id: 'X-1',
          title: 't',
          severity: 'LOW',
          expression: 'object.spec +',
          message: 'm',
        }),
        ...policy('missing', { kinds: 'Pod', id: 'X-2', severity: 'LOW', message: 'm' }),
        ...policy('severity', {
          kinds: 'Pod',
          id: 'X-3',
          title: 't',
          severity: 'URGENT',
          expression: 'true',
          message: 'm',
        }),
        ...policy('typo', {
          kinds: 'Pod',
          id: 'X-4',
          title: 't',
          severity: 'LOW',
          expression: 'true',
          message: 'm',
          sevrity: 'x',
        }),
        ...policy('unknown_var', {
          kinds: 'Pod',
          id: 'X-5',
          title: 't',
          severity: 'LOW',
          expression: "obj.kind == 'Pod'",
          message: 'm',
        }),
        ...policy('unknown_fn', {
          kinds: 'Pod',
          id: 'X-6',
          title: 't',
          severity: 'LOW',
          expression: 'isEvil(object)',
          message: 'm',
        }),
        ...policy('rego', { kinds: 'Pod', rego: 'package trivyoperator.policy.k8s.custom' }),
        ...policy('dup', {
          kinds: 'Pod',
          id: 'CUSTOM-0001',
          title: 't',
          severity: 'LOW',
          expression: 'true',
          message: 'm',
        }),
        ...policy('builtin', {
          kinds: 'Pod',
          id: 'KSV-0001',
          title: 't',
          severity: 'LOW',
          expression: 'true',
          message: 'm',
        }),
        ...policy('no_kinds', {
          kinds: ' , ',
          id: 'X-7',
          title: 't',
          severity: 'LOW',
          expression: 'true',
          message: 'm',
        }),
        'library.kubernetes.rego': 'package lib',
        stray: 'x',
      },
      { reservedIds: ['KSV-0001', 'AVD-KSV-0001'] },
    );
    assert.deepEqual(
      checks.map((check) => check.id),
      ['CUSTOM-0001'],
    );
    assert.ok(problems.every((problem) => problem instanceof CustomCheckDefinitionError));
    const byName = new Map(problems.map((problem) => [problem.policyName, problem.message]));
    assert.match(byName.get('bad_cel') ?? '', /^custom check "bad_cel": \.expression is not valid CEL: .*1:/);
    assert.match(byName.get('missing') ?? '', /\.title is missing; \.expression is missing/);
    assert.match(byName.get('severity') ?? '', /\.severity must be LOW, MEDIUM, HIGH or CRITICAL/);
    assert.match(byName.get('typo') ?? '', /unknown key\(s\) \.sevrity/);
    assert.match(byName.get('unknown_var') ?? '', /not valid CEL: .*unresolved attribute/);
    assert.match(byName.get('unknown_fn') ?? '', /not valid CEL: .*isEvil/);
    assert.match(byName.get('rego') ?? '', /Rego policy.*policy\.rego\.expression/);
    assert.match(byName.get('dup') ?? '', /CUSTOM-0001 is already used/);
    assert.match(byName.get('builtin') ?? '', /KSV-0001 is already used/);
    assert.match(byName.get('no_kinds') ?? '', /\.kinds lists no kinds/);
    assert.match(byName.get('library.kubernetes.rego') ?? '', /Rego libraries are not supported/);
    assert.match(byName.get('stray') ?? '', /not a policy\.<name>\.<field> key/);
    assert.equal(problems.length, 12);
  });
});

describe('evaluateCustomChecks', () => {
  it('records PASS/FAIL per check and turns a runtime error into an error for that object only', () => {
    const { checks } = loadCustomChecks({
      ...hostNetwork,
      ...team,
      ...policy('unguarded', {
        kinds: 'Pod',
        id: 'CUSTOM-0020',
        title: 'Unguarded',
        severity: 'LOW',
        expression: 'object.spec.dnsPolicy == "None"',
        message: 'm',
      }),
      ...policy('not_bool', {
        kinds: 'Pod',
        id: 'CUSTOM-0021',
        title: 'n',
        severity: 'LOW',
        expression: 'object.metadata.name',
        message: 'm',
      }),
    });
    const { results, errors } = evaluateCustomChecks(pod, checks);
    assert.deepEqual(
      results.map((result) => [result.check.id, result.success, result.messages]),
      [
        ['CUSTOM-0001', false, ["Pod 'web' in 'shop' uses the host network"]],
        ['CUSTOM-0002', true, []],
      ],
    );
    assert.ok(errors.every((error) => error instanceof CustomCheckEvaluationError));
    assert.deepEqual(
      errors.map((error) => error.checkId),
      ['CUSTOM-0020', 'CUSTOM-0021'],
    );
    assert.match(
      errors[0]?.message ?? '',
      /CUSTOM-0020 could not be evaluated on Pod shop\/web: .*dnsPolicy/,
    );
    assert.match(errors[1]?.message ?? '', /returned a string, not a bool/);
  });

  it('skips checks whose kinds do not apply', () => {
    const { checks } = loadCustomChecks(hostNetwork);
    const service: KubernetesObject = {
      kind: 'Service',
      metadata: { name: 's' },
      spec: { hostNetwork: true },
    };
    assert.deepEqual(evaluateCustomChecks(service, checks), { results: [], errors: [] });
  });
});

describe('renderCustomMessage', () => {
  it('fills known placeholders, defaults the namespace and leaves others', () => {
    assert.equal(
      renderCustomMessage('{kind}/{name} in {namespace} {other}', { kind: 'Role', metadata: { name: 'r' } }),
      'Role/r in default {other}',
    );
  });
});
