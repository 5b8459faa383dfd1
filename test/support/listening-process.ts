/**
 * Test-only: starts a server binary that listens on 127.0.0.1:0 and logs the address it got (Prometheus and
 * Alertmanager print `msg="Listening on" address=127.0.0.1:PORT`), and stops it again.
 */
import { spawn } from 'node:child_process';

export interface ListeningProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What the process printed so far (stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const LISTENING = /msg="Listening on" address=(127\.0\.0\.1:\d+)/;

export async function startListeningProcess(command: string, args: string[]): Promise<ListeningProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    // Kept bounded: a long test would otherwise hold every log line.
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 30_000);
      const onData = () => {
        const match = LISTENING.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stderr.off('data', onData);
          resolve(match[1]);
        }
      };
      child.stderr.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited with ${code}:\n${output}`));
      });
    });
    return { url: `http://${address}`, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
