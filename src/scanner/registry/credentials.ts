import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserFacingError } from '../../util/errors.ts';
import { DOCKER_HUB_REGISTRY } from './reference.ts';

/** A username and password (or token used as password) for one registry. Never logged. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** Finds the credentials to use for a registry host (`ghcr.io`, `127.0.0.1:5000`, `index.docker.io`). */
export interface CredentialStore {
  get(registry: string): Promise<BasicCredentials | undefined>;
}

export class CredentialError extends UserFacingError {}

/** The same credentials for every registry: `--username/--password`. */
export function staticCredentials(credentials: BasicCredentials): CredentialStore {
  return { get: async () => credentials };
}

/** Asks each store in turn; the first that knows the registry wins. */
export function chainCredentials(...stores: CredentialStore[]): CredentialStore {
  return {
    async get(registry) {
      for (const store of stores) {
        const found = await store.get(registry);
        if (found) return found;
      }
      return undefined;
    },
  };
}

const dockerConfigSchema = z.looseObject({
  auths: z
    .record(
      z.string(),
      z.looseObject({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
      }),
    )
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
type DockerConfig = z.infer<typeof dockerConfigSchema>;

const helperOutputSchema = z.looseObject({ Username: z.string(), Secret: z.string() });

export interface DockerConfigOptions {
  /** The environment to read `DOCKER_CONFIG`, `HOME` and `PATH` from (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Kills a credential helper that has not answered after this long. */
  helperTimeoutMs?: number;
}

/**
 * Credentials the way the Docker CLI keeps them: `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`),
 * `credHelpers[host]`, then `credsStore`, then `auths[host]` (base64 `auth` or `username`/`password`). Helpers are
 * the `docker-credential-<name>` programs on PATH, run with `get` and the server URL on stdin.
 */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): CredentialStore {
  const env = options.env ?? process.env;
  const configDir =
    env.DOCKER_CONFIG && env.DOCKER_CONFIG.length > 0
      ? env.DOCKER_CONFIG
      : join(env.HOME ?? homedir(), '.docker');
  const configPath = join(configDir, 'config.json');
  let loaded: Promise<DockerConfig | undefined> | undefined;

  return {
    async get(registry) {
      loaded ??= loadDockerConfig(configPath);
      const config = await loaded;
      if (!config) return undefined;
      const helper = findByHost(config.credHelpers ?? {}, registry) ?? config.credsStore;
      if (helper !== undefined && helper.length > 0) {
        const fromHelper = await runCredentialHelper(
          helper,
          helperServerUrl(registry),
          env,
          options.helperTimeoutMs,
        );
        if (fromHelper) return fromHelper;
      }
      const entry = findByHost(config.auths ?? {}, registry);
      return entry ? decodeAuthEntry(entry, configPath, registry) : undefined;
    },
  };
}

async function loadDockerConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialError(`cannot read Docker config ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CredentialError(`Docker config ${path} is not valid JSON`, { hint: 'fix or remove the file' });
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new CredentialError(
      `Docker config ${path} has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      {
        hint: 'fix or remove the file',
      },
    );
  }
  return parsed.data;
}

/** Docker keys config entries by host, by URL (`https://host/v1/`), and Docker Hub under several names. */
function configKeyHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z]+:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  return normaliseHost(host);
}

function normaliseHost(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'docker.io' || lower === 'registry-1.docker.io' ? DOCKER_HUB_REGISTRY : lower;
}

function findByHost<T>(entries: Record<string, T>, registry: string): T | undefined {
  const wanted = normaliseHost(registry);
  for (const [key, value] of Object.entries(entries)) {
    if (configKeyHost(key) === wanted) return value;
  }
  return undefined;
}

function helperServerUrl(registry: string): string {
  return normaliseHost(registry) === DOCKER_HUB_REGISTRY ? 'https://index.docker.io/v1/' : registry;
}

function decodeAuthEntry(
  entry: { auth?: string | undefined; username?: string | undefined; password?: string | undefined },
  configPath: string,
  registry: string,
): BasicCredentials | undefined {
  if (entry.auth !== undefined && entry.auth.length > 0) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new CredentialError(
        `the "auth" entry for ${registry} in ${configPath} is not base64 of user:password`,
        {
          hint: 'run `docker login` again',
        },
      );
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_HELPER_OUTPUT = 64 * 1024;

/** Runs `docker-credential-<helper> get`. Returns undefined when the helper has no entry for the server. */
async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<BasicCredentials | undefined> {
  if (!HELPER_NAME.test(helper))
    throw new CredentialError(`invalid credential helper name "${helper}" in Docker config`);
  const program = `docker-credential-${helper}`;
  // Loaded here: most scans run no helper, and child_process is not free to load.
  const { spawn } = await import('node:child_process');
  const { code, stdout, spawnError } = await new Promise<{
    code: number | null;
    stdout: string;
    spawnError?: Error;
  }>((resolve) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'], timeout: timeoutMs });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_HELPER_OUTPUT) chunks.push(chunk);
      else child.kill();
    });
    child.stdin.on('error', () => {
      // the helper may exit before reading stdin; its exit status tells the story
    });
    child.on('error', (error) => resolve({ code: null, stdout: '', spawnError: error }));
    child.on('close', (exitCode) =>
      resolve({ code: exitCode, stdout: Buffer.concat(chunks).toString('utf8') }),
    );
    child.stdin.end(serverUrl);
  });
  if (spawnError) {
    throw new CredentialError(`cannot run credential helper ${program}: ${spawnError.message}`, {
      hint: `install ${program} or remove it from credHelpers/credsStore in your Docker config`,
    });
  }
  // Helpers exit non-zero with "credentials not found" on stdout when they have no entry.
  if (code !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new CredentialError(
      `credential helper ${program} failed (exit ${code ?? 'signal'}) for ${serverUrl}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new CredentialError(`credential helper ${program} printed something that is not JSON`);
  }
  const parsed = helperOutputSchema.safeParse(json);
  if (!parsed.success)
    throw new CredentialError(`credential helper ${program} answered without Username/Secret`);
  // `<token>` marks an OAuth2 identity (refresh) token, which needs the token-exchange flow we do not implement.
  if (parsed.data.Username === '<token>') return undefined;
  return { username: parsed.data.Username, password: parsed.data.Secret };
}
