import { Command, Option } from 'commander';

/** `trivy-ts status`: what the operator is doing — each image's scan state and why a workload has no report. */
export function statusCommand(): Command {
  return new Command('status')
    .description("show the operator's scan state: every image (pending, scanning, done, failed + reason)")
    .addOption(
      new Option('--url <url>', "the operator's health/status endpoint")
        .default('http://127.0.0.1:9090')
        .env('TRIVY_TS_STATUS_URL'),
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addHelpText(
      'after',
      '\nIn a cluster: kubectl -n trivy-system port-forward deploy/trivy-operator 9090 & trivy-ts status\n',
    )
    .action(async (options: { url: string; format: 'table' | 'json' }) => {
      // The HTTP client and the table renderer load only when the command runs.
      const { showStatus } = await import('./status-report.ts');
      await showStatus(options);
    });
}
