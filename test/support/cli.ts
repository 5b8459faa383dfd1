import { spawn } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The repository's `bin/trivy-ts`, as users run it. */
export const launcher = join(import.meta.dirname, '..', '..', 'bin', 'trivy-ts');

export interface CliRun {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin (closed either way, so a command reading `-` never waits). */
  input?: string;
}

/** Runs `command` (a program and its arguments) to its end; a non-zero exit is a result, not an error. */
export function runCommand(command: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('runCommand: no program');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `bin/trivy-ts <args>`. */
export function trivyTs(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return runCommand([launcher, ...args], options);
}

/**
 * Builds the CLI bundle into `<dir>/dist/cli` with the checkout's node_modules linked into `dir`: the bundle finds the
 * packages it leaves out by walking up to a node_modules, as in a checkout or the container image. Returns main.js.
 */
export async function buildBundleIn(dir: string): Promise<string> {
  await symlink(join(import.meta.dirname, '..', '..', 'node_modules'), join(dir, 'node_modules'));
  const { buildCli } = await import('../../scripts/build.ts'); // esbuild: only for the tests that build
  const { outdir } = await buildCli(join(dir, 'dist', 'cli'));
  return join(outdir, 'main.js');
}
