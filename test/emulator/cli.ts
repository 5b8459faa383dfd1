/**
 * `npm run emulator`: starts the Kubernetes API emulator with the simulated cluster (controllers and a node
 * agent) and prints the kubeconfig path. Options: --port N (default: a free port), --dir DIR (where the
 * kubeconfig is written; kept on exit), --bare (API server only, no controllers or node agent), --own-image REF
 * (containers of this image run our CLI for real; default ghcr.io/trivy-ts/trivy-ts:dev), --image-digest
 * REF=sha256:… (repeatable: the digest reported in containerStatuses[].imageID for REF).
 */
import { parseArgs } from 'node:util';
import { SimulatedCluster } from './cluster/cluster.ts';
import { startEmulator } from './index.ts';
import type { EmulatorOptions } from './index.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    dir: { type: 'string' },
    bare: { type: 'boolean', default: false },
    'own-image': { type: 'string' },
    'image-digest': { type: 'string', multiple: true },
  },
  strict: true,
});

const options: EmulatorOptions = {};
if (values.port !== undefined) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a number between 0 and 65535, got "${values.port}"`);
  }
  options.port = port;
}
if (values.dir !== undefined) options.dir = values.dir;
const imageDigests: Record<string, string> = {};
for (const entry of values['image-digest'] ?? []) {
  const split = entry.lastIndexOf('=');
  const digest = entry.slice(split + 1);
  if (split <= 0 || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    fail(`--image-digest takes REF=sha256:<64 hex digits>, got "${entry}"`);
  }
  imageDigests[entry.slice(0, split)] = digest;
}
if (values.bare && (values['own-image'] !== undefined || Object.keys(imageDigests).length > 0)) {
  fail('--own-image and --image-digest configure the simulated cluster, which --bare leaves out');
}
if (!values.bare) {
  options.extensions = [
    new SimulatedCluster({
      imageDigests,
      ...(values['own-image'] !== undefined ? { ownImage: values['own-image'] } : {}),
    }),
  ];
}

const emulator = await startEmulator(options);
console.log(`Kubernetes API emulator listening on ${emulator.url}`);
console.log(`kubeconfig: ${emulator.kubeconfigPath}`);
console.log(`try: KUBECONFIG=${emulator.kubeconfigPath} kubectl get namespaces`);

const shutdown = () => {
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
