/**
 * Test-only: Debian's real Prometheus on 127.0.0.1 (scraping every second, evaluating rules every second, sending
 * alerts to an Alertmanager), its HTTP API, and promtool (Prometheus's own checker for the text format and for rule
 * files, and its rule unit-test runner).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startListeningProcess } from './listening-process.ts';

const run = promisify(execFile);

export interface PrometheusOptions {
  /** Scrape targets (host:port), one job each. honor_labels is on, as the chart's ServiceMonitor sets it. */
  targets: { job: string; target: string }[];
  /** Rule files to load, evaluated every `evaluationInterval`. */
  ruleFiles?: string[];
  /** Alertmanager base URL (http://host:port) that firing alerts are sent to. */
  alertmanagerUrl?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** An alert as `GET /api/v1/alerts` returns it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

/** An alerting or recording rule as `GET /api/v1/rules` returns it. */
export interface PrometheusRuleState {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  health: string;
  lastError?: string;
  state?: 'inactive' | 'pending' | 'firing';
}

export interface RunningPrometheus {
  url: string;
  /** Instant query; returns the result vector as (labels, value) pairs. Scalars come back as one sample. */
  query(promql: string): Promise<Sample[]>;
  /** GET on the HTTP API (`/api/v1/...`): the `data` of a successful answer. */
  api<T>(path: string): Promise<T>;
  alerts(): Promise<PrometheusAlert[]>;
  rules(): Promise<PrometheusRuleState[]>;
  stop(): Promise<void>;
}

export async function startPrometheusServer(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-prometheus-'));
  const config = {
    global: {
      scrape_interval: options.scrapeInterval ?? '1s',
      scrape_timeout: options.scrapeInterval ?? '1s',
      evaluation_interval: options.evaluationInterval ?? '1s',
    },
    ...(options.ruleFiles ? { rule_files: options.ruleFiles } : {}),
    ...(options.alertmanagerUrl
      ? {
          alerting: {
            alertmanagers: [
              {
                scheme: 'http',
                static_configs: [{ targets: [new URL(options.alertmanagerUrl).host] }],
              },
            ],
          },
        }
      : {}),
    scrape_configs: options.targets.map(({ job, target }) => ({
      job_name: job,
      honor_labels: true,
      static_configs: [{ targets: [target] }],
    })),
  };
  await writeFile(join(dir, 'prometheus.yml'), stringify(config));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let server;
  try {
    server = await startListeningProcess('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
    ]);
  } catch (error) {
    await removeDir();
    throw error;
  }
  const { url } = server;
  // Prometheus listens before its storage is open; until then every API call answers 503.
  try {
    await eventually(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 60_000);
  } catch (error) {
    await server.stop();
    await removeDir();
    throw new Error(`prometheus at ${url} did not become ready`, { cause: error });
  }
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    let body: { status: string; error?: string; data?: T };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (error) {
      throw new Error(`GET ${path}: HTTP ${response.status} ${text.slice(0, 200)}`, { cause: error });
    }
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`GET ${path}: ${body.error ?? response.status}`);
    }
    return body.data;
  };
  const query = async (promql: string): Promise<Sample[]> => {
    const data = await api<
      | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
      | { resultType: 'scalar' | 'string'; result: [number, string] }
      | { resultType: 'matrix'; result: unknown[] }
    >(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (data.resultType === 'vector') {
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    }
    if (data.resultType === 'scalar') return [{ metric: {}, value: Number(data.result[1]) }];
    throw new Error(`query ${promql}: unexpected ${data.resultType} result`);
  };
  return {
    url,
    query,
    api,
    alerts: async () => (await api<{ alerts: PrometheusAlert[] }>('/api/v1/alerts')).alerts,
    rules: async () =>
      (await api<{ groups: { rules: PrometheusRuleState[] }[] }>('/api/v1/rules')).groups.flatMap(
        (group) => group.rules,
      ),
    async stop() {
      await server.stop();
      await removeDir();
    },
  };
}

/** A Prometheus scraping one target every second (the metrics tests' setup). */
export function startPrometheus(target: string, job: string): Promise<RunningPrometheus> {
  return startPrometheusServer({ targets: [{ job, target }] });
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface ToolResult {
  code: number;
  output: string;
}

/** `promtool <args>`: its exit code and everything it printed (it never rejects on a failed check). */
export async function promtool(args: string[], input?: string): Promise<ToolResult> {
  if (input === undefined) {
    try {
      const { stdout, stderr } = await run('promtool', args, { maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof failed.code !== 'number') throw error;
      return { code: failed.code, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
    }
  }
  const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(input);
  return { code: (await exited) ?? -1, output };
}

/** `promtool check metrics` on a page: its exit code and the problems it printed. */
export async function promtoolCheckMetrics(page: string): Promise<{ code: number | null; output: string }> {
  return promtool(['check', 'metrics'], page);
}
