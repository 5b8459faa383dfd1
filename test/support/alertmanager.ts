/**
 * Test-only: Debian's real Alertmanager on 127.0.0.1 (no cluster gossip), routing every alert to a webhook receiver
 * that this module serves, so a test can read what Alertmanager delivered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startListeningProcess } from './listening-process.ts';

/** One alert of a webhook notification (Alertmanager's webhook payload, version 4). */
export interface DeliveredAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  fingerprint: string;
}

export interface WebhookNotification {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: DeliveredAlert[];
}

export interface RunningAlertmanager {
  url: string;
  /** Every notification the webhook receiver got, in order. */
  readonly notifications: readonly WebhookNotification[];
  stop(): Promise<void>;
}

/** Starts the webhook receiver, then Alertmanager with one route to it (grouped by alert name, sent at once). */
export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const notifications: WebhookNotification[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookNotification);
        response.writeHead(200).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;

  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-alertmanager-'));
  const cleanUp = async () => {
    await close(receiver);
    await rm(dir, { recursive: true, force: true });
  };
  await writeFile(
    join(dir, 'alertmanager.yml'),
    stringify({
      route: {
        receiver: 'test',
        group_by: ['alertname'],
        group_wait: '0s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [
        { name: 'test', webhook_configs: [{ url: `http://127.0.0.1:${port}/alerts`, send_resolved: true }] },
      ],
    }),
  );
  let server;
  try {
    server = await startListeningProcess('prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
      // An empty address turns off the cluster gossip (which would listen on 0.0.0.0:9094).
      '--cluster.listen-address=',
    ]);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    url: server.url,
    notifications,
    async stop() {
      await server.stop();
      await cleanUp();
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
