import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { loadCustomChecks, parsePoliciesConfigMap, type CustomCheck } from '../checks/custom/index.ts';
import { allChecks } from '../checks/registry.ts';
import type { CheckSeverity } from '../checks/types.ts';
import { parseSeverities } from '../scanner/report/filter.ts';
import { UserFacingError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { manifestPaths, readManifestFile, type ManifestFile } from './config/manifests.ts';
import {
  auditManifestFile,
  type MisconfigurationReport,
  type MisconfigurationResult,
} from './config/misconfiguration-report.ts';
import { formatMisconfigurationSarif } from './config/misconfiguration-sarif.ts';
import { formatMisconfigurationTable } from './config/misconfiguration-table.ts';
import { globalOptions, loggerFor } from './global-options.ts';

const formats = ['table', 'json', 'sarif'] as const;
const checkSeverities: readonly CheckSeverity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

interface ConfigOptions {
  severity: string;
  exitCode: string;
  format: (typeof formats)[number];
  output?: string;
  includeNonFailures: boolean;
  k8sVersion?: string;
  policiesConfig?: string;
}

/** `trivy-ts config PATH...`: audits Kubernetes manifests with the built-in checks and custom CEL checks. */
export function configCommand(): Command {
  return new Command('config')
    .description(
      'audit Kubernetes manifests (files, directories, or - for standard input) for misconfigurations',
    )
    .argument(
      '<paths...>',
      'manifest files, directories (searched recursively for .yaml, .yml and .json) or - for standard input',
    )
    .configureHelp({ showGlobalOptions: true })
    .addOption(
      new Option('-s, --severity <list>', 'severities to report and count').default(
        checkSeverities.join(','),
      ),
    )
    .addOption(
      new Option('--exit-code <code>', 'exit code when a check fails (after filtering)').default('0'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default('table'))
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout'))
    .addOption(
      new Option('--include-non-failures', 'list passed checks too (Status PASS), not only failures').default(
        false,
      ),
    )
    .addOption(
      new Option(
        '--k8s-version <version>',
        'Kubernetes version of the target cluster (e.g. 1.29.3 or v1.27.1-gke.1000), for the checks that depend on ' +
          'it: KSV-0026 (sysctls), KSV-0107 (deprecated APIs, which fail whenever this is not given) and KSV-01011 ' +
          '(GKE only)',
      ),
    )
    .addOption(
      new Option(
        '--policies-config <file>',
        'a trivy-operator-policies-config ConfigMap (YAML) with custom checks written in CEL',
      ),
    )
    .addHelpText(
      'after',
      [
        '',
        'Input:',
        '  Multi-document YAML and JSON are read; kind: List objects are expanded into their items. Documents',
        '  without apiVersion and kind (e.g. Helm values files) are skipped. A document with a YAML error is',
        '  reported (file:line) and the rest is still audited.',
        '',
        'Custom checks (--policies-config): keys policy.<name>.<field> under data, with fields',
        '  kinds        comma list of kinds, Workload, or *          (required)',
        '  id, title    check ID and title                          (required)',
        '  severity     LOW, MEDIUM, HIGH or CRITICAL               (required)',
        '  expression   CEL; the object is bound as `object`; true means the object FAILS (required)',
        '  message      failure message; {name}, {kind}, {namespace} are filled in (required)',
        '  description, remediation                                 (optional)',
        '  Read optional fields with has(): has(object.spec.hostNetwork) && object.spec.hostNetwork.',
        '  A broken custom check is reported and skipped; the other checks still run.',
        '',
        'Examples:',
        '  trivy-ts config deploy/',
        '  trivy-ts config --severity HIGH,CRITICAL --exit-code 1 rbac.yaml workloads.json',
        '  helm template my-release ./chart | trivy-ts config -',
        '  trivy-ts config --format json --include-non-failures --k8s-version 1.29.3 manifests/',
        '  trivy-ts config --policies-config policies-cm.yaml deploy/',
        '  trivy-ts config --format sarif --output config.sarif deploy/   # for code scanning uploads',
        '',
      ].join('\n'),
    )
    .action(async (paths: string[], options: ConfigOptions, command: Command) => {
      const logger = loggerFor(globalOptions(command));
      process.exitCode = await auditManifests(paths, options, logger);
    });
}

function parseExitCode(text: string): number {
  const code = Number(text);
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new UserFacingError('--exit-code must be an integer from 0 to 255');
  }
  return code;
}

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

async function auditManifests(paths: string[], options: ConfigOptions, logger: Logger): Promise<number> {
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
  const toTerminal = options.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text =
    options.format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : options.format === 'sarif'
        ? formatMisconfigurationSarif(report)
        : formatMisconfigurationTable(report, {
            severities: checkSeverities.filter((severity) => severities.includes(severity)),
            color: toTerminal,
          });
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text);

  const failed = results.some((result) => result.MisconfSummary.Failures > 0);
  return failed ? exitCode : 0;
}
