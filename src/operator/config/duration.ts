import { UserFacingError } from '../../util/errors.ts';

/**
 * Go's `time.Duration` text form, as upstream's env vars and annotations use it: `5m`, `1h30m`, `1.5h`, `300ms`,
 * `0s`. Parsing follows `time.ParseDuration` (integer nanoseconds, the same units, the same limits); formatting
 * follows `Duration.String()`, so a TTL written back into a `report-ttl` annotation reads `24h0m0s` as upstream's.
 */

export class InvalidDurationError extends UserFacingError {
  constructor(text: string, reason: string) {
    super(`invalid duration ${JSON.stringify(text)}: ${reason}`, {
      hint: 'use Go duration syntax: a number and a unit (ns, us, ms, s, m, h), e.g. 30s, 5m, 1h30m, 1.5h',
    });
  }
}

const NANOS_PER_MS = 1_000_000n;
const UNIT_NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: NANOS_PER_MS,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NANOS = (1n << 63n) - 1n; // a Go Duration is an int64
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/** Parses a Go duration into nanoseconds, exactly as Go does (fractions are truncated to whole nanoseconds). */
export function parseGoDurationNanos(text: string): bigint {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw new InvalidDurationError(text, 'it is empty');
  let total = 0n;
  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    const [matched = '', whole = '', fraction = '', unitName = ''] = match ?? [];
    if (whole === '' && fraction === '') {
      throw new InvalidDurationError(text, `expected a number at ${JSON.stringify(rest)}`);
    }
    const unit = UNIT_NANOS[unitName];
    if (unit === undefined) {
      const problem =
        unitName === ''
          ? `missing unit after ${JSON.stringify(matched)}`
          : `unknown unit ${JSON.stringify(unitName)}`;
      throw new InvalidDurationError(text, problem);
    }
    total += BigInt(whole || '0') * unit + fractionNanos(fraction, unit);
    if (total > MAX_NANOS + (negative ? 1n : 0n))
      throw new InvalidDurationError(text, 'it is too large (over 2562047h)');
    rest = rest.slice(matched.length);
  }
  return negative ? -total : total;
}

/**
 * Go scales the fraction in float64 from the digits that fit in an int64 (so `0.3333333333333333333h` is exactly
 * 20m); doing the same keeps every value identical to the operator upstream.
 */
function fractionNanos(digits: string, unit: bigint): bigint {
  let fraction = 0n;
  let scale = 1;
  for (const digit of digits) {
    const next = fraction * 10n + BigInt(digit);
    if (next > MAX_NANOS) break;
    fraction = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
}

/** Parses a Go duration into milliseconds (fractional below one millisecond, e.g. `300us` → 0.3). */
export function parseGoDuration(text: string): number {
  const nanos = parseGoDurationNanos(text);
  return Number(nanos / NANOS_PER_MS) + Number(nanos % NANOS_PER_MS) / 1e6;
}

/** Formats milliseconds as Go's `Duration.String()`: `24h0m0s`, `5m0s`, `1.5s`, `300ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format ${ms} as a duration`);
  const whole = Math.trunc(ms);
  return formatGoDurationNanos(BigInt(whole) * NANOS_PER_MS + BigInt(Math.round((ms - whole) * 1e6)));
}

export function formatGoDurationNanos(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u === 0n) return '0s';
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < NANOS_PER_MS) return `${sign}${decimal(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${decimal(u, 6)}ms`;
  const seconds = decimal(u % 60_000_000_000n, 9);
  const totalMinutes = u / 60_000_000_000n;
  if (totalMinutes === 0n) return `${sign}${seconds}s`;
  const hours = totalMinutes / 60n;
  const minutes = `${totalMinutes % 60n}m${seconds}s`;
  return hours === 0n ? `${sign}${minutes}` : `${sign}${hours}h${minutes}`;
}

/** `value / 10^digits` in decimal, without trailing zeros in the fraction (Go's fmtFrac + fmtInt). */
function decimal(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? `${value / scale}` : `${value / scale}.${fraction}`;
}
