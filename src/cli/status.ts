import type Table from 'cli-table3';
import { Command, Option } from 'commander';
import { UserFacingError } from '../util/errors.ts';

interface StatusOptions {
  url: string;
  format: 'table' | 'json';
}

interface StatusView {
  ready: boolean;
  mode?: string;
  vulnerabilityDb: { version?: string; ageSeconds?: number; lastError?: string };
  queue: { waiting: number; running: number };
  coverage: { covered: number; running: number; ratio: number };
  images: {
    counts: Record<string, number>;
    items: {
      digest: string;
      platform: string;
      repository: string;
      state: string;
      reason?: string;
      attempts: number;
      nextAttemptAt?: string;
      workloads: string[];
    }[];
  };
  workloadsNotDone: { workload: string; state: string; reason?: string }[];
}

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
    .action(async (options: StatusOptions) => {
      const url = new URL('/status', options.url).toString();
      // The HTTP client and the table renderer are loaded only when the command runs.
      const { request } = await import('undici');
      let body: string;
      try {
        const response = await request(url, { headersTimeout: 10_000, bodyTimeout: 30_000 });
        body = await response.body.text();
        if (response.statusCode !== 200) {
          throw new UserFacingError(`${url} answered ${response.statusCode}: ${body.trim()}`, {
            hint: 'the operator may still be starting, or not be the leader',
          });
        }
      } catch (error) {
        if (error instanceof UserFacingError) throw error;
        throw new UserFacingError(`cannot reach the operator at ${url}: ${(error as Error).message}`, {
          hint: 'port-forward the operator pod (port 9090) or pass --url',
        });
      }
      if (options.format === 'json') {
        process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
        return;
      }
      const { default: TableRenderer } = await import('cli-table3');
      process.stdout.write(render(JSON.parse(body) as StatusView, TableRenderer));
    });
}

function render(view: StatusView, TableRenderer: typeof Table): string {
  const lines: string[] = [];
  const db = view.vulnerabilityDb;
  const age = db.ageSeconds === undefined ? 'none' : `${(db.ageSeconds / 3600).toFixed(1)} h old`;
  lines.push(`Operator: ${view.ready ? 'ready' : 'starting'}, scans in ${view.mode ?? '?'} mode`);
  lines.push(`Vulnerability DB: ${age}${db.lastError ? ` (last update failed: ${db.lastError})` : ''}`);
  lines.push(`Queue: ${view.queue.waiting} waiting, ${view.queue.running} running`);
  lines.push(
    `Coverage: ${view.coverage.covered}/${view.coverage.running} running containers have a current report` +
      ` (${(view.coverage.ratio * 100).toFixed(1)} %)`,
  );
  const counts = Object.entries(view.images.counts)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  lines.push(`Images: ${counts}`, '');
  const table = new TableRenderer({ head: ['Image', 'Platform', 'State', 'Attempts', 'Workloads', 'Reason'] });
  const order: Record<string, number> = { failed: 0, scanning: 1, pending: 2, done: 3 };
  for (const image of [...view.images.items].sort((a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9))) {
    table.push([
      `${image.repository}@${image.digest.slice(0, 19)}`,
      image.platform,
      image.state,
      String(image.attempts),
      String(image.workloads.length),
      image.reason
        ? `${image.reason.slice(0, 80)}${image.nextAttemptAt ? ` (retry ${image.nextAttemptAt})` : ''}`
        : '',
    ]);
  }
  lines.push(table.toString());
  if (view.workloadsNotDone.length > 0) {
    lines.push('', 'Workloads without current reports:');
    for (const workload of view.workloadsNotDone) {
      lines.push(
        `  ${workload.workload}: ${workload.state}${workload.reason ? ` — ${workload.reason}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
