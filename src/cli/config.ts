import { Command, Option } from 'commander';
import { checkSeverities } from '../checks/types.ts';
import { globalOptions, loggerFor } from './global-options.ts';

const formats = ['table', 'json', 'sarif'] as const;

export interface ConfigOptions {
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
      const logger = await loggerFor(globalOptions(command));
      // The checks and the YAML parser are loaded only when an audit runs.
      const { auditManifests } = await import('./config/audit-manifests.ts');
      process.exitCode = await auditManifests(paths, options, logger);
    });
}
