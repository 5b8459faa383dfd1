import { join } from 'node:path';
import { Command, Option } from 'commander';
import { describeError, UserFacingError } from '../util/errors.ts';
import { globalOptions, loggerFor } from './global-options.ts';

interface OperatorCommandOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** `trivy-ts operator`: runs the operator in a cluster (service account) or against any cluster from a kubeconfig. */
export function operatorCommand(): Command {
  return new Command('operator')
    .description('run the operator: keep security reports for the workloads of a cluster')
    .addOption(
      new Option(
        '--kubeconfig <path>',
        'kubeconfig to use out of cluster (default: $KUBECONFIG, ~/.kube/config)',
      ),
    )
    .addOption(new Option('--context <name>', 'kubeconfig context to use'))
    .addOption(
      new Option(
        '--namespace <ns>',
        "namespace of the operator's own objects (default: $OPERATOR_NAMESPACE)",
      ),
    )
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment (OPERATOR_* variables, the same as trivy-operator) and from the\n' +
        'trivy-operator and trivy-operator-trivy-config ConfigMaps/Secrets in the operator namespace. trivy-ts adds:\n' +
        '  OPERATOR_SCAN_MODE           Job (default: scan Jobs run `trivy-ts scan-job`) or Inline (in this process)\n' +
        "  OPERATOR_IMAGE               the operator's own image, run by scan Jobs (required in Job mode)\n" +
        '  OPERATOR_CACHE_DIR           vulnerability DB, inventory store and layer cache (a volume in the cluster)\n' +
        '  OPERATOR_REPORT_MAX_BYTES    size budget of every report written (default 262144)\n' +
        '  OPERATOR_DB_UPDATE_INTERVAL  how often to check for a newer vulnerability DB (default 1h)\n' +
        '\nProbes, the status view (/status) and metrics: OPERATOR_HEALTH_PROBE_BIND_ADDRESS (:9090),\n' +
        'OPERATOR_METRICS_BIND_ADDRESS (:8080). `trivy-ts status` prints the status view.\n',
    )
    .action(async (options: OperatorCommandOptions, command: Command) => {
      // Loaded here, not at the top: the Kubernetes client and the operator are heavy, and every other command
      // would pay for them at start-up.
      const [{ loadClusterConnection }, { loadOperatorConfiguration }, { Operator }] = await Promise.all([
        import('../operator/kube/kube-config.ts'),
        import('../operator/config/index.ts'),
        import('../operator/operator.ts'),
      ]);
      const globals = globalOptions(command);
      const logger = await loggerFor(globals);
      const env: Record<string, string | undefined> = {
        ...process.env,
        ...(options.namespace ? { OPERATOR_NAMESPACE: options.namespace } : {}),
      };
      // Configuration mistakes are reported before anything reaches the cluster.
      loadOperatorConfiguration({ env });
      let connection;
      try {
        connection = loadClusterConnection({
          ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
          ...(options.context ? { context: options.context } : {}),
        });
      } catch (error) {
        throw new UserFacingError(`cannot load the kubeconfig: ${(error as Error).message}`, {
          hint: 'pass --kubeconfig PATH (or set KUBECONFIG); in a cluster the service account is used',
        });
      }
      const inCluster = connection.contextName === 'in-cluster';
      // Out of a cluster the cache goes where the CLI keeps its own, not to /var/lib.
      if (!env.OPERATOR_CACHE_DIR && !inCluster) env.OPERATOR_CACHE_DIR = join(globals.cacheDir, 'operator');

      let exiting = false;
      const operator = await Operator.start({
        connection,
        env,
        logger,
        onFatal: (reason) => {
          logger.error({ reason }, 'stopping');
          void shutdown(1);
        },
      });
      const shutdown = async (code: number) => {
        if (exiting) return;
        exiting = true;
        logger.info('shutting down');
        try {
          await operator.stop();
        } catch (error) {
          logger.error({ err: describeError(error) }, 'error while shutting down');
        }
        process.exit(code);
      };
      process.once('SIGTERM', () => void shutdown(0));
      process.once('SIGINT', () => void shutdown(0));
      await new Promise(() => undefined);
    });
}
