import { Command, Option } from 'commander';
import { globalOptions, loggerFor } from './global-options.ts';
import { AUDITED_KIND_NAMES, formats, reports, type K8sOptions } from './k8s/options.ts';

/** `trivy-ts k8s`: the config audit of a live cluster, read-only, summarised per namespace. */
export function k8sCommand(): Command {
  return new Command('k8s')
    .description(
      'audit the objects of a live cluster (read-only) and print misconfiguration counts per namespace',
    )
    .configureHelp({ showGlobalOptions: true })
    .addOption(
      new Option(
        '--report <type>',
        'summary: counts per namespace; all: every resource and its failed checks',
      )
        .choices(reports)
        .default('summary'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default('table'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config)'))
    .addOption(new Option('--context <name>', 'kubeconfig context to use (default: the current context)'))
    .addOption(
      new Option('-n, --namespace <ns>', 'audit only this namespace (cluster-scoped kinds are left out)'),
    )
    .addOption(
      new Option(
        '--kinds <list>',
        `comma list of kinds to audit (default: all of ${AUDITED_KIND_NAMES.join(', ')})`,
      ),
    )
    .addOption(new Option('-s, --severity <list>', 'severities to count').default('LOW,MEDIUM,HIGH,CRITICAL'))
    .addOption(
      new Option('--exit-code <code>', 'exit code when a check fails (after filtering)').default('0'),
    )
    .addOption(
      new Option(
        '--k8s-version <version>',
        "Kubernetes version for the checks that depend on it (default: the API server's)",
      ),
    )
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout'))
    .addHelpText(
      'after',
      [
        '',
        'Only list calls are made (the identity needs get/list on the audited kinds); a kind it may not list is',
        'skipped with a warning. Workloads are audited where they are written: Deployments, StatefulSets,',
        'DaemonSets, CronJobs, and Jobs, ReplicaSets and Pods that no controller owns. Checks and messages are',
        "the operator's (docs/checks.md); counts are failed checks.",
        '',
        'Examples:',
        '  trivy-ts k8s --report summary',
        '  trivy-ts k8s --context prod --severity HIGH,CRITICAL --exit-code 1',
        '  trivy-ts k8s --report all --format json -n shop > shop-audit.json',
        '',
      ].join('\n'),
    )
    .action(async (options: K8sOptions, command: Command) => {
      const logger = await loggerFor(globalOptions(command));
      // The Kubernetes client is loaded only when the command runs: other commands start without it.
      const { auditLiveCluster } = await import('./k8s/run.ts');
      process.exitCode = await auditLiveCluster(options, logger);
    });
}
