/**
 * Writes docs/checks.md from the check registry: `node scripts/generate-checks-doc.ts` (add `--check` to fail when
 * the file is out of date instead of writing it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type { Check } from '../src/checks/types.ts';
import { allChecks } from '../src/checks/registry.ts';
import { rbacDifferencesFromUpstream } from '../src/checks/rbac/index.ts';
import { WORKLOAD_KINDS } from '../src/checks/kubernetes-object.ts';

export const CHECKS_DOC_PATH = fileURLToPath(new URL('../docs/checks.md', import.meta.url));

interface UpstreamDifference {
  checks: string;
  upstream: string;
  ours: string;
}

/** Upstream bugs recorded in the check catalogue for the workload checks, and what trivy-ts does instead (the RBAC
 * checks keep their own list in src/checks/rbac/differences.ts). */
export const UPSTREAM_DIFFERENCES: readonly UpstreamDifference[] = [
  {
    checks: 'KSV-0006',
    upstream: 'The message names the socket `/var/run/docker.socker` (typo).',
    ours: 'The message names `/var/run/docker.sock`; the rest of the text is unchanged.',
  },
  {
    checks: 'KSV-0120',
    upstream: 'The message prints the whole container object where the container name belongs.',
    ours: 'The message prints the container name, like KSV-0119.',
  },
  {
    checks: 'KSV-0024',
    upstream: 'One result per (container, offending port) pair, all with the same message.',
    ours: 'One finding per offending container.',
  },
  {
    checks: 'KSV-0107',
    upstream:
      'The deprecated-API table stores the `extensions/v1beta1` rows under `apps/v1beta1`, the `apps/v1beta1` rows ' +
      'under `autoscaling/v1beta1` and the `apps/v1beta2` rows under `autoscaling/v1beta2`, so `extensions/v1beta1` ' +
      'and `apps/v1beta2` objects are never flagged and `apps/v1beta1` DaemonSets/ReplicaSets are flagged although ' +
      'that API never served them.',
    ours: 'Each row sits under the API version it describes, and the `See` link points at that version.',
  },
  {
    checks: 'KSV-0026, KSV-0107',
    upstream:
      'A cluster version with a leading `v` (the API server `gitVersion`, e.g. `v1.29.3`) is unparseable.',
    ours: 'A leading `v` is accepted; other versions compare under semver as upstream (`-gke.…` is a pre-release).',
  },
  {
    checks: 'KSV-0025',
    upstream: "An empty `seLinuxOptions.type` is reported as the invalid type `''`.",
    ours: 'An empty type means "not set", as in Kubernetes, and passes.',
  },
  {
    checks: 'KSV-0102',
    upstream: 'A pod template whose labels mark Tiller but which has no `metadata.name` yields no result.',
    ours: 'The finding names the owning object instead.',
  },
];

/** Upstream behaviours that look odd but are kept, because reports, exceptions and compliance specs rely on them. */
export const KEPT_QUIRKS: readonly UpstreamDifference[] = [
  {
    checks: 'KSV-0012',
    upstream:
      'Pod-level `runAsNonRoot: true` passes the whole resource, even if a container sets it to false.',
    ours: 'Kept.',
  },
  {
    checks: 'KSV-0026',
    upstream: 'The message always says `Pod`, whatever the kind.',
    ours: 'Kept.',
  },
  {
    checks: 'KSV-0118',
    upstream: 'The per-container message prints the resource name, not the container name.',
    ours: 'Kept; identical messages collapse into one finding.',
  },
  {
    checks: 'KSV-0107',
    upstream:
      'Table rows without a replacement API never fire; an unknown cluster version fails every listed API.',
    ours: 'Kept.',
  },
  {
    checks: 'KSV-0109',
    upstream: 'Names taken from values are reported untrimmed (leading spaces of indented lines included).',
    ours: 'Kept, so existing exceptions that match messages keep working.',
  },
  {
    checks: 'KSV-01010',
    upstream:
      'The n-th `:`-separated piece of the n-th line of a value is tested against e-mail, IBAN and ' +
      '`^[A-Z0-9<]{3,20}$` patterns, so single-line values such as `8080` or `TRUE` flag their key.',
    ours: 'Kept.',
  },
  {
    checks: 'KSV-0034',
    upstream:
      'An image counts as public when its first `/` segment has no dot, so `nginx:1.25` (dotted tag) passes while ' +
      '`nginx` fails.',
    ours: 'Kept (the check is deprecated and off by default).',
  },
  {
    checks: 'KSV-0037',
    upstream: 'Every object in `kube-system` fails except the core control-plane Pods.',
    ours: 'Kept.',
  },
];

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function kindsText(check: Check): string {
  if (check.kinds === '*') return 'any';
  const isWorkloads =
    check.kinds.length === WORKLOAD_KINDS.length &&
    WORKLOAD_KINDS.every((kind) => check.kinds.includes(kind));
  return isWorkloads ? 'workloads' : check.kinds.join(', ');
}

function differenceTable(rows: readonly UpstreamDifference[]): string[] {
  return [
    '| Checks | Upstream | trivy-ts |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.checks} | ${escapeCell(row.upstream)} | ${escapeCell(row.ours)} |`),
  ];
}

/** The whole of docs/checks.md, formatted as `prettier --check` expects. */
export async function renderChecksDoc(checks: readonly Check[] = allChecks): Promise<string> {
  const options = (await prettier.resolveConfig(CHECKS_DOC_PATH)) ?? {};
  return prettier.format(renderMarkdown(checks), { ...options, filepath: CHECKS_DOC_PATH });
}

function renderMarkdown(checks: readonly Check[]): string {
  const lines: string[] = [
    '# Kubernetes misconfiguration checks',
    '',
    '<!-- Generated by `node scripts/generate-checks-doc.ts` from src/checks/registry.ts. Do not edit by hand. -->',
    '',
    `trivy-ts runs ${checks.length} checks on Kubernetes objects. The operator's reports carry the legacy short ID ` +
      '(`KSV003`) as `checkID` when the check has one, else its AVD ID (`AVD-KSV-0108`), as trivy-operator does; ' +
      '`trivy-ts config` prints the current ID and the AVD ID. Deprecated checks run only when asked for. "workloads" means ' +
      `${WORKLOAD_KINDS.join(', ')}; "any" means every object (such checks read only the fields they need).`,
    '',
    '| ID | AVD ID | Severity | Kinds | Title |',
    '|---|---|---|---|---|',
  ];
  for (const check of checks) {
    const deprecated = check.deprecated === true ? ' (deprecated)' : '';
    lines.push(
      `| [${check.id}](#${check.id.toLowerCase()}) | ${check.aliases[0] ?? ''} | ${check.severity} | ` +
        `${escapeCell(kindsText(check))} | ${escapeCell(check.title)}${deprecated} |`,
    );
  }
  lines.push('', '## Checks', '');
  for (const check of checks) {
    lines.push(`### ${check.id}`, '');
    lines.push(`**${check.title}**${check.deprecated === true ? ' — deprecated, off by default' : ''}`, '');
    lines.push(`- Aliases: ${check.aliases.map((alias) => `\`${alias}\``).join(', ')}`);
    lines.push(`- Severity: ${check.severity}`);
    lines.push(`- Kinds: ${kindsText(check)}`);
    lines.push('', check.description, '', `Remediation: ${check.remediation}`, '');
  }
  lines.push('## Differences from upstream', '');
  lines.push('Upstream bugs recorded in the check catalogue, and what trivy-ts does instead:', '');
  const rbacRows = rbacDifferencesFromUpstream.map(({ id, upstream, ours }) => ({
    checks: id,
    upstream,
    ours,
  }));
  lines.push(...differenceTable([...UPSTREAM_DIFFERENCES, ...rbacRows]), '');
  lines.push(
    'Upstream oddities that trivy-ts keeps on purpose, because reports and exceptions depend on them:',
    '',
  );
  lines.push(...differenceTable(KEPT_QUIRKS), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rendered = await renderChecksDoc();
  if (process.argv.includes('--check')) {
    const current = await readFile(CHECKS_DOC_PATH, 'utf8').catch(() => '');
    if (current !== rendered) {
      console.error('docs/checks.md is out of date: run `node scripts/generate-checks-doc.ts`');
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(CHECKS_DOC_PATH, rendered);
}

if (import.meta.main) await main();
