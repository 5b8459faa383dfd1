/** Wall time and peak RSS of child processes, for benchmarks. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  ms: number;
  /** Peak resident set of the command (GNU time's %M: the largest process of the tree), in MiB. */
  peakRssMib: number;
  /** User + system CPU time of the command and its children, in ms: less sensitive to a busy machine than wall time. */
  cpuMs: number;
  stderr: string;
}

/**
 * Runs `command args` under GNU `/usr/bin/time` and returns its wall time (measured here, around the spawn) and
 * peak RSS; rejects when the command fails, with its stderr.
 */
export async function measure(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: options.env ?? process.env,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stderr }));
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
    const [kib = NaN, user = NaN, system = NaN] = (
      (await readFile(timeFile, 'utf8')).trim().split('\n').pop() ?? ''
    )
      .split(' ')
      .map(Number);
    return { ms, peakRssMib: kib / 1024, cpuMs: (user + system) * 1000, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `prepare` then `measured` `times` times; returns every run and the fastest. */
export async function bestOf(
  times: number,
  measured: () => Promise<Measured>,
  prepare: () => Promise<void> = async () => {},
): Promise<{ best: Measured; runs: Measured[] }> {
  const runs: Measured[] = [];
  for (let i = 0; i < times; i++) {
    await prepare();
    runs.push(await measured());
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { best, runs };
}
