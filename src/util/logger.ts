import { pino, type Logger } from 'pino';

export type { Logger };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Structured logger. Logs go to stderr so that stdout stays machine-readable (JSON reports, SBOMs): one JSON object
 * per line when stderr is a file or pipe, one readable line (`time LEVEL message key=value …`) on a terminal.
 * Callers pass the object key as a field, never credentials; common credential fields are redacted anyway.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'password',
          'token',
          'authorization',
          '*.password',
          '*.token',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination.isTTY ? humanReadable(destination) : destination,
  );
}

/** A logger that discards everything: the default for library code called without one. */
export const silentLogger: Logger = pino({ level: 'silent' });

const levelLabels: Record<string, string> = {
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** Turns pino's JSON lines into `2026-11-22T14:00:00.000Z INFO  message key=value` for people at a terminal. */
function humanReadable(stream: NodeJS.WritableStream): { write(line: string): boolean } {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return stream.write(line);
      }
      const { time, level, msg, ...fields } = record;
      const details = Object.entries(fields)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      return stream.write(
        `${String(time)} ${levelLabels[String(level)] ?? String(level)} ${String(msg ?? '')}${details ? ` ${details}` : ''}\n`,
      );
    },
  };
}
