/**
 * Starts the Kubernetes API emulator: an in-memory API server on 127.0.0.1 that real clients (kubectl,
 * @kubernetes/client-node) talk to over HTTP. Test infrastructure only: never imported from src/.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { EmulatorExtension, Faults, PodLogSource } from './api.ts';
import { RbacAuthorizer, TokenAuthenticator } from './server/auth.ts';
import { RequestFaults } from './server/faults.ts';
import { createApiHandler } from './server/http.ts';
import { createServingCertificate, type ServingCertificate } from '../support/tls.ts';
import { MemoryClusterStore } from './server/store.ts';
import { WatchHub } from './server/watch.ts';

export interface EmulatorUser {
  token: string;
  name: string;
  groups?: string[];
}

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Changes kept for resuming watches; older resourceVersions get 410 Gone (default 10000). */
  historySize?: number;
  /** How often watches that asked for bookmarks get one (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Extra bearer-token users; their rights come from RBAC objects in the store. */
  users?: EmulatorUser[];
  /** Cluster behaviour (controllers, node agent) started with the server and stopped on close. */
  extensions?: EmulatorExtension[];
  /** Directory for kubeconfig files; a fresh temporary directory (removed on close) by default. */
  dir?: string;
}

export interface Emulator {
  /** `https://127.0.0.1:PORT` (self-signed; the kubeconfig carries the CA). */
  url: string;
  /** A kubeconfig for the cluster administrator (group system:masters). */
  kubeconfigPath: string;
  /** The administrator's bearer token. */
  token: string;
  store: MemoryClusterStore;
  faults: Faults;
  /** The serving certificate (PEM), to trust in clients built without the kubeconfig. */
  caCertificate: string;
  /** Watch streams open right now: lets a test wait until a client is watching before it changes something. */
  activeWatches(): number;
  /** Adds a bearer-token user and writes a kubeconfig for it; returns the kubeconfig path. */
  addUser(user: EmulatorUser): Promise<string>;
  setPodLogSource(source: PodLogSource): void;
  close(): Promise<void>;
}

function kubeconfig(url: string, tls: ServingCertificate, user: string, token: string): string {
  const ca = Buffer.from(tls.cert).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'emulator', cluster: { server: url, 'certificate-authority-data': ca } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'emulator', context: { cluster: 'emulator', user, namespace: 'default' } }],
    'current-context': 'emulator',
    preferences: {},
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * An HTTPS server that remembers every TCP socket from the moment it is accepted. `closeAllConnections()` only
 * knows sockets that finished the TLS handshake; one still in its handshake when the server closes would go on to
 * serve a request (a watch, say) and hold `close()` open until the client gives up.
 */
function createTrackedServer(tls: ServingCertificate, handler: ReturnType<typeof createApiHandler>) {
  const server = createServer(tls, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
  return { server, close };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new MemoryClusterStore(
    options.historySize === undefined ? {} : { historySize: options.historySize },
  );
  const authenticator = new TokenAuthenticator();
  const token = randomBytes(24).toString('hex');
  authenticator.add(token, { name: 'emulator-admin', groups: ['system:masters'] });
  const requestFaults = new RequestFaults();
  const watches = new WatchHub(store, options.bookmarkIntervalMs ?? 1000);
  let podLogSource: PodLogSource | undefined;
  let port = options.port ?? 0;
  const handler = createApiHandler({
    store,
    authenticator,
    authorizer: new RbacAuthorizer(store),
    faults: requestFaults,
    watches,
    podLogSource: () => podLogSource,
    serverAddress: () => `127.0.0.1:${port}`,
  });
  const tls = await createServingCertificate();
  let serving = createTrackedServer(tls, handler);
  port = await listen(serving.server, port);
  const url = `https://127.0.0.1:${port}`;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'kube-emulator-')));
  const kubeconfigPath = join(dir, 'kubeconfig');
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(kubeconfigPath, kubeconfig(url, tls, 'emulator-admin', token), { mode: 0o600 });
  } catch (error) {
    await serving.close();
    throw error;
  }

  const faults: Faults = {
    dropWatches: () => watches.dropAll(),
    failRequest: (fault) => requestFaults.arm(fault),
    setLatency: (ms, path) => requestFaults.setLatency(ms, path),
    compact: () => store.compact(),
    restart: async () => {
      watches.dropAll();
      await serving.close();
      serving = createTrackedServer(tls, handler);
      await listen(serving.server, port);
    },
  };

  const addUser = async (user: EmulatorUser): Promise<string> => {
    authenticator.add(user.token, { name: user.name, groups: user.groups ?? [] });
    const path = join(dir, `kubeconfig-${user.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    await writeFile(path, kubeconfig(url, tls, user.name, user.token), { mode: 0o600 });
    return path;
  };
  for (const user of options.users ?? []) await addUser(user);

  const extensions = options.extensions ?? [];
  const started: EmulatorExtension[] = [];
  const stopExtensions = async () => {
    for (const extension of started.reverse()) await extension.stop();
  };
  try {
    for (const extension of extensions) {
      await extension.start({ store, faults, setPodLogSource: (source) => (podLogSource = source) });
      started.push(extension);
    }
  } catch (error) {
    await stopExtensions();
    await serving.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    kubeconfigPath,
    token,
    store,
    faults,
    caCertificate: tls.cert,
    activeWatches: () => watches.activeCount,
    addUser,
    setPodLogSource: (source) => {
      podLogSource = source;
    },
    close: async () => {
      await stopExtensions();
      watches.dropAll();
      await serving.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
