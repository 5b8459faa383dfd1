import { request } from 'undici';
import { UserFacingError } from '../util/errors.ts';
import { terminalTable } from '../util/terminal-table.ts';

export interface StatusOptions {
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

/** Fetches the operator's /status view and prints it as a table or as the JSON it is. */
export async function showStatus(options: StatusOptions): Promise<void> {
  const url = new URL('/status', options.url).toString();
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
  process.stdout.write(render(JSON.parse(body) as StatusView));
}

function render(view: StatusView): string {
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
  const table = terminalTable(['Image', 'Platform', 'State', 'Attempts', 'Workloads', 'Reason'], false);
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
