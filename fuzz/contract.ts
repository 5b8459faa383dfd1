import type { AnalysisResult } from '../src/scanner/analyzers/types.ts';
import type { Package } from '../src/scanner/inventory.ts';

/**
 * What every parser promises for any input, checked after each fuzz input. A check returns a description of the
 * broken promise, or undefined. Time and memory are watched by the campaign runner (`fuzz/worker.ts`), which
 * also catches hangs that never return.
 */
export type Problem = string | undefined;

type ErrorClass = abstract new (...args: never[]) => Error;

export function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : `non-Error ${typeof error}: ${String(error)}`;
}

/**
 * A contract check's outcome, and the CPU time the parser itself took on this thread (not the checks' time, not
 * time other processes had the CPU: the machine is shared, and only the parser's own work says whether an input is
 * slow). Work done in libuv's pool (zlib, file reads) is not counted; it is linear in the bytes it handles.
 */
export interface Verdict {
  problem?: string;
  millis: number;
}

function cpuMillisSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.threadCpuUsage(start);
  return (user + system) / 1000;
}

/** Runs the parser, timed; only the module's own error classes may escape (a malformed file is their job). */
export async function expectTyped<T>(
  what: string,
  work: () => T | Promise<T>,
  allowed: readonly ErrorClass[],
): Promise<{ value?: T; problem?: string; millis: number }> {
  const started = process.threadCpuUsage();
  try {
    const value = await work();
    return { value, millis: cpuMillisSince(started) };
  } catch (error) {
    const millis = cpuMillisSince(started);
    if (allowed.some((errorClass) => error instanceof errorClass)) return { millis };
    return { problem: `${what} threw ${describe(error)}`, millis };
  }
}

/**
 * Output stays proportional to input: a result much larger than the input means one byte of input fans out into
 * many bytes of output (and a hostile file into gigabytes of memory). Size is the result's JSON, except that
 * `DependsOn` entries count as one byte each: they refer to other packages' IDs (the same strings in memory), so a
 * package that many others depend on is not amplification.
 */
export const outputFactor = 16;
export const outputAllowance = 64 * 1024;

const referencesAsBytes = (key: string, value: unknown): unknown =>
  key === 'DependsOn' && Array.isArray(value) ? value.map(() => 0) : value;

export function checkOutputSize(what: string, result: unknown, inputBytes: number): Problem {
  let length: number;
  try {
    length = (JSON.stringify(result, referencesAsBytes) ?? '').length;
  } catch (error) {
    return `${what}: result cannot be serialized (${describe(error)})`;
  }
  const bound = outputFactor * inputBytes + outputAllowance;
  return length > bound
    ? `${what}: ${inputBytes} input bytes gave ${length} bytes of result (bound ${bound})`
    : undefined;
}

export function packagesOf(result: AnalysisResult | undefined): Package[] {
  if (result === undefined) return [];
  return [
    ...(result.packageInfos ?? []).flatMap((info) => info.Packages),
    ...(result.applications ?? []).flatMap((app) => app.Packages),
  ];
}

type TextField =
  'Name' | 'Version' | 'Release' | 'SrcName' | 'SrcVersion' | 'SrcRelease' | 'Arch' | 'Maintainer';

/**
 * Every reported field value was read from the input, not invented or taken from another record's memory: its
 * bytes occur in the input. A value joined from continuation lines is checked line by line, and U+FFFD (bytes that
 * were not UTF-8) splits a value into pieces checked one by one.
 */
export function checkWithinInput(
  what: string,
  packages: readonly Package[],
  input: Buffer,
  fields: readonly TextField[],
): Problem {
  for (const pkg of packages) {
    for (const field of fields) {
      const value = pkg[field];
      if (value === undefined) continue;
      const pieces = value.split(/\n|\uFFFD/).map((piece) => piece.trim());
      if (!pieces.every((piece) => input.includes(Buffer.from(piece)))) {
        return `${what}: ${field} ${JSON.stringify(value.slice(0, 80))} does not occur in the input`;
      }
    }
  }
  return undefined;
}

/** A path inside the image: relative, no empty, `.` or `..` segment, no NUL. `''` (the root) only where allowed. */
export function checkCleanPath(
  what: string,
  path: string,
  options: { root?: boolean; leadingSlash?: boolean } = {},
): Problem {
  let rest = path;
  if (options.leadingSlash) {
    if (!rest.startsWith('/')) return `${what}: ${JSON.stringify(path)} lacks its leading slash`;
    rest = rest.slice(1);
  }
  if (rest === '') return options.root ? undefined : `${what}: empty path (the image root)`;
  if (rest.includes('\0')) return `${what}: ${JSON.stringify(path)} contains NUL`;
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      return `${what}: ${JSON.stringify(path)} is not a clean path inside the image`;
    }
  }
  return undefined;
}

export function firstProblem(...problems: Problem[]): Problem {
  return problems.find((problem) => problem !== undefined);
}
