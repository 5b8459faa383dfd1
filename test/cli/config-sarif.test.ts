import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SarifLog } from '../../src/scanner/report/sarif.ts';
import { assertSchemaValid } from '../scanner/report/format-check.ts';
import { trivyTs } from '../support/cli.ts';

const run = (args: string[], input: string) => trivyTs(args, { env: { NO_COLOR: '1' }, input });

/** Two documents, as `helm template` prints them: a Role granting everything, then a hardened-enough Pod. */
const manifests = `# Source: chart/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: everything
  namespace: apps
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
# Source: chart/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
  - name: web
    image: nginx:1.27
`;

describe('trivy-ts config --format sarif', () => {
  it('writes a valid SARIF 2.1.0 log of the failed checks, one rule per check, with manifest lines', async () => {
    const { code, stdout, stderr } = await run(['config', '--format', 'sarif', '-'], manifests);
    assert.equal(code, 0, stderr);
    const log = JSON.parse(stdout) as SarifLog;
    assertSchemaValid('sarif', log);
    const [run0] = log.runs;
    assert.ok(run0);
    assert.equal(run0.tool.driver.name, 'Trivy');

    const byRule = new Map(run0.results.map((result) => [result.ruleId, result]));
    const wildcard = byRule.get('KSV-0044');
    assert.ok(wildcard, [...byRule.keys()].join(' '));
    assert.equal(wildcard.level, 'error');
    assert.match(
      wildcard.message.text,
      /^Artifact: -\nType: kubernetes\nVulnerability KSV-0044\nSeverity: CRITICAL\n/,
    );
    assert.match(wildcard.message.text, /Message: Role permits wildcard verb on wildcard resource/);
    const region = wildcard.locations[0]!.physicalLocation.region;
    assert.deepEqual([region.startLine, region.endLine], [2, 10], 'the Role document spans lines 2-10');
    assert.equal(wildcard.locations[0]!.physicalLocation.artifactLocation.uri, 'stdin');

    const rule = run0.tool.driver.rules[wildcard.ruleIndex]!;
    assert.equal(rule.id, 'KSV-0044');
    assert.equal(rule.name, 'Misconfiguration');
    assert.equal(rule.shortDescription.text, 'No wildcard verb and resource roles');
    assert.equal(rule.helpUri, 'https://avd.aquasec.com/misconfig/avd-ksv-0044');
    assert.deepEqual(rule.properties.tags, ['misconfiguration', 'security', 'CRITICAL']);
    assert.equal(rule.properties['security-severity'], '9.5');

    // The Pod's per-container check is a warning-level result on the Pod's lines.
    const runAsRoot = byRule.get('KSV-0012');
    assert.ok(runAsRoot);
    assert.equal(runAsRoot.level, 'warning');
    assert.equal(runAsRoot.locations[0]!.physicalLocation.region.startLine, 13);
    // Rules are not repeated: as many rules as distinct rule IDs.
    assert.equal(run0.tool.driver.rules.length, new Set(run0.results.map((result) => result.ruleId)).size);
  });

  it('honours --severity and --exit-code', async () => {
    const { code, stdout } = await run(
      ['config', '--format', 'sarif', '--severity', 'CRITICAL', '--exit-code', '3', '-'],
      manifests,
    );
    assert.equal(code, 3);
    const log = JSON.parse(stdout) as SarifLog;
    const levels = new Set(log.runs[0]!.results.map((result) => result.level));
    assert.deepEqual([...levels], ['error']);
    assert.deepEqual([...new Set(log.runs[0]!.results.map((result) => result.ruleId))].sort(), [
      'KSV-0044',
      'KSV-0112',
    ]);
  });

  it('has no results (and exit code 0) when nothing fails', async () => {
    const { code, stdout } = await run(
      ['config', '--format', 'sarif', '--exit-code', '1', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n',
    );
    assert.equal(code, 0);
    const log = JSON.parse(stdout) as SarifLog;
    assertSchemaValid('sarif', log);
    assert.deepEqual(log.runs[0]!.results, []);
  });
});
