/** Resident memory of a child process over its run, sampled from /proc (Linux), for the image benchmark. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface RssTimeline {
  ms: number;
  /** VmHWM at the last sample: the process's peak resident set, in MiB. */
  peakMib: number;
  /** Highest sampled VmRSS in the first and in the second half of the run, in MiB. */
  firstHalfMib: number;
  secondHalfMib: number;
  samples: number;
}

/**
 * Runs `command args` (stdout discarded) sampling /proc/<pid>/status every `intervalMs`; rejects when it fails.
 * Comparing the halves shows whether memory grows with the work done, independent of run-to-run noise.
 */
export async function runWithRssTimeline(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; intervalMs?: number } = {},
): Promise<RssTimeline> {
  const started = performance.now();
  const child = spawn(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: options.env ?? process.env,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const samples: { at: number; rssKib: number; hwmKib: number }[] = [];
  const sample = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const rss = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    const hwm = /^VmHWM:\s+(\d+)/m.exec(status)?.[1];
    if (rss && hwm) samples.push({ at: performance.now(), rssKib: Number(rss), hwmKib: Number(hwm) });
  };
  const timer = setInterval(() => void sample(), options.intervalMs ?? 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearInterval(timer);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  if (samples.length < 4) throw new Error(`too few RSS samples (${samples.length}) of ${command}`);
  const middle = started + ms / 2;
  const highest = (list: typeof samples) => Math.max(...list.map((s) => s.rssKib)) / 1024;
  return {
    ms,
    peakMib: Math.max(...samples.map((s) => s.hwmKib)) / 1024,
    firstHalfMib: highest(samples.filter((s) => s.at < middle)),
    secondHalfMib: highest(samples.filter((s) => s.at >= middle)),
    samples: samples.length,
  };
}
