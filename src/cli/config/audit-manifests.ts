import { readFile, writeFile } from 'node:fs/promises';
import { loadCustomChecks, parsePoliciesConfigMap, type CustomCheck } from '../../checks/custom/index.ts';
import { allChecks } from '../../checks/registry.ts';
import { parseSeverities } from '../../scanner/report/filter.ts';
import { UserFacingError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { colorWanted } from '../../util/terminal-style.ts';
import { checkSeverities } from '../../checks/types.ts';
import type { ConfigOptions } from '../config.ts';
import { parseExitCode } from '../option-values.ts';
import { manifestPaths, readManifestFile, type ManifestFile } from './manifests.ts';
import {
  auditManifestFile,
  type MisconfigurationReport,
  type MisconfigurationResult,
} from './misconfiguration-report.ts';
import { formatMisconfigurationSarif } from './misconfiguration-sarif.ts';
import { formatMisconfigurationTable } from './misconfiguration-table.ts';

async function loadPoliciesConfig(path: string, logger: Logger): Promise<CustomCheck[]> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UserFacingError(
      `cannot read --policies-config ${path}: ${(error as NodeJS.ErrnoException).code}`,
      {
        hint: 'pass a ConfigMap YAML file, e.g. from kubectl get configmap trivy-operator-policies-config -o yaml',
        cause: error,
      },
    );
  });
  const parsed = parsePoliciesConfigMap(text, path);
  const { checks, problems } = loadCustomChecks(parsed.data, {
    reservedIds: allChecks.flatMap((check) => [check.id, ...check.aliases]),
  });
  for (const problem of [...parsed.problems, ...problems]) {
    logger.error({ policy: problem.policyName, file: path }, problem.message);
  }
  logger.debug({ file: path, checks: checks.length }, 'custom checks loaded');
  return checks;
}

/** `trivy-ts config`, once its options are parsed: read, audit and report the manifests. */
export async function auditManifests(
  paths: string[],
  options: ConfigOptions,
  logger: Logger,
): Promise<number> {
  const severities = parseSeverities(options.severity);
  const exitCode = parseExitCode(options.exitCode);
  const customChecks = options.policiesConfig ? await loadPoliciesConfig(options.policiesConfig, logger) : [];
  const auditOptions = {
    checks: allChecks,
    customChecks,
    context: options.k8sVersion === undefined ? {} : { clusterVersion: options.k8sVersion },
    severities: new Set<string>(severities),
    includeNonFailures: options.includeNonFailures,
    onCustomCheckError: (error: Error) => logger.warn(error.message),
  };

  const results: MisconfigurationResult[] = [];
  let objects = 0;
  for await (const path of manifestPaths(paths)) {
    let file: ManifestFile;
    try {
      file = await readManifestFile(path);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      logger.warn(
        { target: path },
        `${path}: cannot read: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    for (const problem of file.problems) {
      const where = problem.line === undefined ? problem.target : `${problem.target}:${problem.line}`;
      logger.warn({ target: problem.target, line: problem.line }, `${where}: ${problem.message}`);
    }
    if (file.objects.length === 0) continue;
    objects += file.objects.length;
    results.push(auditManifestFile(file, auditOptions));
  }
  if (objects === 0) logger.warn({ paths }, 'no Kubernetes objects found');
  else logger.debug({ objects, files: results.length }, 'manifests audited');

  const report: MisconfigurationReport = {
    SchemaVersion: 2,
    CreatedAt: new Date().toISOString(),
    ArtifactName: paths.length === 1 ? (paths[0] ?? '') : paths.join(' '),
    ArtifactType: 'filesystem',
    Metadata: {},
    ...(results.length === 0 ? {} : { Results: results }),
  };
  const text =
    options.format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : options.format === 'sarif'
        ? formatMisconfigurationSarif(report)
        : formatMisconfigurationTable(report, {
            severities: checkSeverities.filter((severity) => severities.includes(severity)),
            color: colorWanted(options.output),
          });
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text);

  const failed = results.some((result) => result.MisconfSummary.Failures > 0);
  return failed ? exitCode : 0;
}
