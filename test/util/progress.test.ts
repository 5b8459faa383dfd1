import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/util/logger.ts';
import {
  createProgressReporter,
  formatBytes,
  formatDuration,
  formatProgressLine,
} from '../../src/util/progress.ts';

/** A real writable that records what was written, optionally claiming to be a terminal. */
class Terminal extends Writable {
  readonly isTTY: boolean;
  readonly columns = 200;
  text = '';
  writes = 0;

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    this.writes++;
    callback();
  }
}

function logLines(sink: Terminal): Array<Record<string, unknown>> {
  return sink.text
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('progress reporter', () => {
  it('draws a bar on a TTY, at most once per redraw interval, ending with a newline', () => {
    const tty = new Terminal(true);
    const logSink = new Terminal(false);
    let clock = 0;
    const report = createProgressReporter({
      logger: createLogger('info', logSink),
      stream: tty,
      now: () => clock,
    });
    const progress = report({ label: 'Downloading', totalBytes: 10 * 1024 * 1024 });
    for (let i = 0; i < 100; i++) {
      clock += 10; // 100 updates over one second
      progress.advance(100 * 1024);
    }
    progress.finish('done');
    const redraws = tty.writes - 1;
    assert.ok(redraws >= 9 && redraws <= 11, `redrew ${redraws} times in 1 s`);
    assert.ok(tty.text.startsWith('\rDownloading'));
    assert.ok(tty.text.endsWith('\n'));
    assert.match(tty.text, /9\.8 MiB \/ 10\.0 MiB {2}97%/);
    assert.match(tty.text, /ETA \d+s/);
    assert.equal(logSink.text, '', 'no log lines while a bar is shown');
  });

  it('logs one line at start and one at the end when not a TTY', () => {
    const piped = new Terminal(false);
    const logSink = new Terminal(false);
    let clock = 0;
    const report = createProgressReporter({
      logger: createLogger('info', logSink),
      stream: piped,
      now: () => clock,
    });
    const progress = report({ label: 'Downloading', totalBytes: 2048 });
    progress.advance(1024);
    clock = 2000;
    progress.advance(1024);
    progress.finish('done');
    progress.finish('done');
    assert.equal(piped.text, '');
    const lines = logLines(logSink);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.msg, 'Downloading: started');
    assert.equal(lines[1]?.bytes, 2048);
    assert.equal(lines[1]?.bytesPerSecond, 1024);
  });

  it('draws nothing with --quiet even on a TTY', () => {
    const tty = new Terminal(true);
    const report = createProgressReporter({
      logger: createLogger('error', new Terminal(false)),
      stream: tty,
      quiet: true,
    });
    const progress = report({ label: 'x', totalBytes: 1 });
    progress.advance(1);
    progress.finish('failed');
    assert.equal(tty.text, '');
  });

  it('formats sizes, durations and lines', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
    assert.equal(formatDuration(59_400), '59s');
    assert.equal(formatDuration(61_000), '1m01s');
    assert.equal(formatDuration(3_723_000), '1h02m');
    assert.equal(
      formatProgressLine({ label: 'DB', bytes: 1024, totalBytes: 4096, elapsedMs: 1000 }),
      'DB  1.0 KiB / 4.0 KiB  25%  1.0 KiB/s  ETA 3s',
    );
    assert.equal(
      formatProgressLine({ label: 'DB', bytes: 10, totalBytes: undefined, elapsedMs: 1000 }),
      'DB  10 B  10 B/s',
    );
  });
});
