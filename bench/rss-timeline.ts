/** Resident memory of a child process over its run, sampled from /proc (Linux), for the image benchmark. */
import { spawn } from 'node:child_process';
import { processMemory } from './process-memory.ts';

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
  const samples: { at: number; rss: number; peak: number }[] = [];
  const sample = () => {
    const memory = child.pid === undefined ? undefined : processMemory(child.pid);
    if (memory && Number.isFinite(memory.rss) && Number.isFinite(memory.peak))
      samples.push({ at: performance.now(), ...memory });
  };
  const timer = setInterval(sample, options.intervalMs ?? 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearInterval(timer);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  if (samples.length < 4) throw new Error(`too few RSS samples (${samples.length}) of ${command}`);
  const middle = started + ms / 2;
  const highest = (list: typeof samples) => Math.max(...list.map((s) => s.rss)) / 2 ** 20;
  return {
    ms,
    peakMib: Math.max(...samples.map((s) => s.peak)) / 2 ** 20,
    firstHalfMib: highest(samples.filter((s) => s.at < middle)),
    secondHalfMib: highest(samples.filter((s) => s.at >= middle)),
    samples: samples.length,
  };
}
