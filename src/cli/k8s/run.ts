import { writeFile } from 'node:fs/promises';
import { loadClusterConnection, type ClusterConnection } from '../../operator/kube/kube-config.ts';
import { CheckSet } from '../../operator/config-audit/check-set.ts';
import { KubeClient } from '../../operator/kube/client.ts';
import { parseSeverities } from '../../scanner/report/filter.ts';
import { describeError, UserFacingError } from '../../util/errors.ts';
import { terminalTable } from '../../util/terminal-table.ts';
import { parseExitCode } from '../option-values.ts';
import type { Logger } from '../../util/logger.ts';
import { trivyTsVersion } from '../../util/version.ts';
import {
  auditCluster,
  CLUSTER_AUDIT_TYPES,
  summarizeByNamespace,
  type AuditedResource,
  type ClusterAuditResult,
  type NamespaceSummary,
} from './cluster-audit.ts';
import type { K8sOptions } from './options.ts';

const CLUSTER_SCOPED_LABEL = '(cluster)';

function loadKubeConfig(options: K8sOptions): ClusterConnection {
  try {
    return loadClusterConnection({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
  } catch (error) {
    throw new UserFacingError(`cannot load the kubeconfig: ${(error as Error).message}`, {
      hint: 'pass --kubeconfig PATH (or set KUBECONFIG) and --context NAME if it sets no current-context',
    });
  }
}

function selectTypes(list: string | undefined): typeof CLUSTER_AUDIT_TYPES {
  if (list === undefined) return CLUSTER_AUDIT_TYPES;
  const wanted = list
    .split(',')
    .map((kind) => kind.trim().toLowerCase())
    .filter((kind) => kind !== '');
  const known = new Map(CLUSTER_AUDIT_TYPES.map((entry) => [entry.type.kind.toLowerCase(), entry]));
  const unknown = wanted.filter((kind) => !known.has(kind));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new UserFacingError(`--kinds: unknown kind(s) ${unknown.join(', ') || '(none given)'}`, {
      hint: `use a comma list of ${CLUSTER_AUDIT_TYPES.map(({ type }) => type.kind).join(', ')}`,
    });
  }
  return CLUSTER_AUDIT_TYPES.filter(({ type }) => wanted.includes(type.kind.toLowerCase()));
}

/** Runs `trivy-ts k8s`; returns the exit code. */
export async function auditLiveCluster(options: K8sOptions, logger: Logger): Promise<number> {
  const severities = parseSeverities(options.severity);
  const exitCode = parseExitCode(options.exitCode);
  const types = selectTypes(options.kinds);
  const kubeConfig = loadKubeConfig(options);
  const client = new KubeClient(kubeConfig, {
    logger,
    userAgent: `trivy-ts/${trivyTsVersion}`,
    maxRetries: 3,
  });
  const server = kubeConfig.server;
  try {
    let clusterVersion = options.k8sVersion;
    if (clusterVersion === undefined) {
      try {
        clusterVersion = (await client.serverVersion()).gitVersion;
      } catch (error) {
        throw new UserFacingError(`cannot reach the Kubernetes API at ${server}: ${describeError(error)}`, {
          hint: 'check the kubeconfig context (--context) and that the cluster is reachable',
          cause: error,
        });
      }
    }
    const checkSet = new CheckSet({
      custom: [],
      severities,
      recordFailedChecksOnly: true,
      context: clusterVersion === undefined ? {} : { clusterVersion },
      engineVersion: trivyTsVersion,
    });
    const warned = new Set<string>();
    const result = await auditCluster({
      client,
      checkSet,
      types,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      keepChecks: options.report === 'all',
      onCustomCheckError: (message) => {
        if (!warned.has(message)) logger.warn(message);
        warned.add(message);
      },
      onProgress: (kind, objects) => logger.debug({ kind, objects }, 'audited'),
    });
    for (const { kind, reason } of result.skipped) logger.warn({ kind }, `${kind} skipped: ${reason}`);

    const text =
      options.format === 'json'
        ? `${JSON.stringify(jsonReport(result, options, kubeConfig, clusterVersion), null, 2)}\n`
        : tableReport(result, options);
    if (options.output) await writeFile(options.output, text);
    else process.stdout.write(text);
    const failed = result.resources.some((resource) => total(resource.summary) > 0);
    return failed ? exitCode : 0;
  } finally {
    await client.close();
  }
}

const total = (summary: AuditedResource['summary']) =>
  summary.criticalCount + summary.highCount + summary.mediumCount + summary.lowCount;

const counts = (summary: AuditedResource['summary']) => ({
  Critical: summary.criticalCount,
  High: summary.highCount,
  Medium: summary.mediumCount,
  Low: summary.lowCount,
});

function jsonReport(
  result: ClusterAuditResult,
  options: K8sOptions,
  kubeConfig: ClusterConnection,
  clusterVersion: string | undefined,
) {
  return {
    ClusterName: kubeConfig.clusterName,
    ...(clusterVersion === undefined ? {} : { KubernetesVersion: clusterVersion }),
    ...(options.namespace === undefined ? {} : { Namespace: options.namespace }),
    Namespaces: summarizeByNamespace(result.resources).map((entry) => ({
      Namespace: entry.namespace,
      Resources: entry.resources,
      FailingResources: entry.failing,
      Misconfigurations: counts(entry.summary),
    })),
    ...(options.report === 'all'
      ? {
          Resources: result.resources.map((resource) => ({
            Namespace: resource.namespace,
            Kind: resource.kind,
            Name: resource.name,
            Misconfigurations: counts(resource.summary),
            Checks: resource.checks.map((check) => ({
              ID: check.checkID,
              Title: check.title,
              Severity: check.severity,
              Messages: check.messages ?? [],
            })),
          })),
        }
      : {}),
    Skipped: result.skipped.map(({ kind, reason }) => ({ Kind: kind, Reason: reason })),
  };
}

function tableReport(result: ClusterAuditResult, options: K8sOptions): string {
  const namespaces = summarizeByNamespace(result.resources);
  const summary = terminalTable(
    ['Namespace', 'Resources', 'Failing', 'Critical', 'High', 'Medium', 'Low'],
    false,
  );
  const sum: NamespaceSummary = {
    namespace: 'Total',
    resources: 0,
    failing: 0,
    summary: { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 0 },
  };
  for (const entry of namespaces) {
    summary.push(row(entry.namespace || CLUSTER_SCOPED_LABEL, entry));
    sum.resources += entry.resources;
    sum.failing += entry.failing;
    for (const key of ['criticalCount', 'highCount', 'mediumCount', 'lowCount'] as const) {
      sum.summary[key] += entry.summary[key];
    }
  }
  if (namespaces.length > 1) summary.push(row('Total', sum));
  const sections = [`Misconfigurations by namespace\n\n${summary.toString()}\n`];
  if (options.report === 'all') {
    const detail = terminalTable(
      ['Namespace', 'Kind', 'Name', 'Critical', 'High', 'Medium', 'Low', 'Failed checks'],
      false,
      { wordWrap: true },
    );
    for (const resource of result.resources) {
      if (total(resource.summary) === 0) continue;
      const { criticalCount, highCount, mediumCount, lowCount } = resource.summary;
      detail.push([
        resource.namespace || CLUSTER_SCOPED_LABEL,
        resource.kind,
        resource.name,
        criticalCount,
        highCount,
        mediumCount,
        lowCount,
        resource.checks.map((check) => check.checkID).join(', '),
      ]);
    }
    sections.push(`Resources with failed checks\n\n${detail.toString()}\n`);
  }
  if (result.skipped.length > 0) {
    sections.push(
      `Not audited (no permission or not served): ${result.skipped.map(({ kind }) => kind).join(', ')}\n`,
    );
  }
  return `${sections.join('\n')}`;
}

function row(label: string, entry: NamespaceSummary): (string | number)[] {
  const { criticalCount, highCount, mediumCount, lowCount } = entry.summary;
  return [label, entry.resources, entry.failing, criticalCount, highCount, mediumCount, lowCount];
}
