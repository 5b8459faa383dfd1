import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzTargets, type FuzzTarget } from './targets.ts';

/**
 * One fuzzing thread of the campaign (`fuzz/campaign.ts`). It runs units of work — N inputs of one target from
 * one fast-check seed — and before each input copies it into memory shared with the main thread and bumps a
 * counter there. The main thread watches that counter: an input that never returns (a synchronous loop cannot be
 * interrupted from inside) or that exhausts the heap is still caught and saved, from the shared copy.
 */
export interface WorkerSetup {
  scratchDir: string;
  realSeeds: boolean;
  /** Int32 slots: [0] inputs checked, [1] byte length of the current input. */
  counters: SharedArrayBuffer;
  /** The current input's bytes, up to the buffer's size. */
  current: SharedArrayBuffer;
}

export interface Unit {
  target: string;
  runs: number;
  seed: number;
}

export interface UnitResult {
  target: string;
  seed: number;
  /** Inputs generated for the unit (fast-check's runs), and all inputs checked including shrinking. */
  runs: number;
  checked: number;
  seconds: number;
  failure?: { message: string; input: Uint8Array };
}

/** Most CPU time an answer may take: a fixed allowance plus a millisecond per KiB (linear parsers need a fraction). */
export function timeLimitMs(inputBytes: number): number {
  return 250 + inputBytes / 1024;
}

export async function checkTimed(target: FuzzTarget, input: Buffer): Promise<string | undefined> {
  const limit = timeLimitMs(target.workBytes?.(input) ?? input.length);
  const first = await target.check(input);
  if (first.problem !== undefined) return first.problem;
  if (first.millis <= limit) return undefined;
  // Garbage collection lands on some inputs: only an input that is slow twice counts.
  const second = await target.check(input);
  if (second.millis <= limit) return undefined;
  return `${target.name}: took ${first.millis.toFixed(0)} ms and ${second.millis.toFixed(0)} ms of CPU on ${input.length} bytes (limit ${limit.toFixed(0)} ms)`;
}

if (parentPort !== null && workerData !== undefined) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const counters = new Int32Array(setup.counters);
  const current = new Uint8Array(setup.current);
  const targets = new Map(
    (
      await fuzzTargets({
        scratchFile: join(setup.scratchDir, `archive-${threadId}.tar`),
        realSeeds: setup.realSeeds,
      })
    ).map((t) => [t.name, t]),
  );

  const record = (input: Buffer) => {
    current.set(input.subarray(0, current.length));
    Atomics.store(counters, 1, input.length);
  };

  port.on('message', async (unit: Unit) => {
    const target = targets.get(unit.target);
    if (target === undefined) throw new Error(`no target ${unit.target}`);
    const started = performance.now();
    let checked = 0;
    const property = fc.asyncProperty(target.inputs, async (input) => {
      record(input);
      const problem = await checkTimed(target, input);
      checked++;
      Atomics.add(counters, 0, 1);
      if (problem !== undefined) throw new Error(problem);
    });
    const details = await fc.check(property, { numRuns: unit.runs, seed: unit.seed });
    const result: UnitResult = {
      target: unit.target,
      seed: unit.seed,
      runs: details.failed ? details.numRuns : unit.runs,
      checked,
      seconds: (performance.now() - started) / 1000,
    };
    if (details.failed) {
      const input = details.counterexample?.[0] ?? Buffer.alloc(0);
      const error = details.errorInstance;
      result.failure = { message: error instanceof Error ? error.message : String(error), input };
    }
    port.postMessage(result);
  });
  port.postMessage('ready');
}
