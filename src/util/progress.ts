import type { Logger } from './logger.ts';

/** Progress of one byte-counting task (a download). */
export interface Progress {
  /** `bytes` more have been transferred. */
  advance(bytes: number): void;
  /** The task ended (successfully or not); the bar is finished and a summary is logged. */
  finish(outcome: 'done' | 'failed'): void;
}

/** Starts the progress display for a task; `totalBytes` is absent when unknown. */
export type ProgressReporter = (task: { label: string; totalBytes?: number }) => Progress;

export interface ProgressReporterOptions {
  logger: Logger;
  /** Where the bar is drawn; it is drawn only when this is a TTY. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  quiet?: boolean;
  /** Minimum time between two redraws. */
  redrawIntervalMs?: number;
  now?: () => number;
}

/**
 * A bar on stderr (bytes, total, percentage, rate, ETA, at most ~10 redraws/s) when stderr is a terminal and
 * not `--quiet`; otherwise one log line at start and one at the end, so logs and CI output stay readable.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const drawBar = options.quiet !== true && stream.isTTY === true;
  const now = options.now ?? Date.now;
  const interval = options.redrawIntervalMs ?? 100;

  return ({ label, totalBytes }) => {
    const startedAt = now();
    let bytes = 0;
    let lastDraw = 0;
    let finished = false;
    if (!drawBar) options.logger.info({ task: label, totalBytes }, `${label}: started`);

    const draw = (final: boolean): void => {
      const elapsedMs = Math.max(now() - startedAt, 1);
      const line = formatProgressLine({ label, bytes, totalBytes, elapsedMs, final });
      const width = stream.columns && stream.columns > 10 ? stream.columns - 1 : line.length;
      stream.write(`\r${line.slice(0, width)}\x1b[K${final ? '\n' : ''}`);
    };

    return {
      advance(n) {
        if (finished) return;
        bytes += n;
        if (!drawBar) return;
        const t = now();
        if (t - lastDraw >= interval) {
          lastDraw = t;
          draw(false);
        }
      },
      finish(outcome) {
        if (finished) return;
        finished = true;
        if (drawBar) {
          draw(true);
          return;
        }
        const elapsedMs = Math.max(now() - startedAt, 1);
        const fields = {
          task: label,
          bytes,
          totalBytes,
          elapsedMs,
          bytesPerSecond: Math.round((bytes * 1000) / elapsedMs),
        };
        if (outcome === 'done')
          options.logger.info(
            fields,
            `${label}: done, ${formatBytes(bytes)} in ${formatDuration(elapsedMs)}`,
          );
        else options.logger.warn(fields, `${label}: failed after ${formatBytes(bytes)}`);
      },
    };
  };
}

/** A reporter that shows nothing: for library callers that did not ask for progress. */
export const silentProgress: ProgressReporter = () => ({ advance: () => undefined, finish: () => undefined });

export function formatProgressLine(state: {
  label: string;
  bytes: number;
  totalBytes: number | undefined;
  elapsedMs: number;
  final?: boolean;
}): string {
  const rate = (state.bytes * 1000) / Math.max(state.elapsedMs, 1);
  const parts = [state.label];
  if (state.totalBytes !== undefined && state.totalBytes > 0) {
    const fraction = Math.min(state.bytes / state.totalBytes, 1);
    parts.push(
      `${formatBytes(state.bytes)} / ${formatBytes(state.totalBytes)}`,
      `${Math.floor(fraction * 100)}%`,
    );
  } else {
    parts.push(formatBytes(state.bytes));
  }
  parts.push(`${formatBytes(rate)}/s`);
  if (state.final) {
    parts.push(`in ${formatDuration(state.elapsedMs)}`);
  } else if (state.totalBytes !== undefined && rate > 0 && state.totalBytes > state.bytes) {
    parts.push(`ETA ${formatDuration(((state.totalBytes - state.bytes) / rate) * 1000)}`);
  }
  return parts.join('  ');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
