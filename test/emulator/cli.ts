/**
 * `npm run emulator`: starts the Kubernetes API emulator with the simulated cluster (controllers and a node
 * agent) and prints the kubeconfig path. Options: --port N (default: a free port), --dir DIR (where the
 * kubeconfig is written; kept on exit), --bare (API server only, no controllers or node agent).
 */
import { parseArgs } from 'node:util';
import { SimulatedCluster } from './cluster/cluster.ts';
import { startEmulator } from './index.ts';
import type { EmulatorOptions } from './index.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, dir: { type: 'string' }, bare: { type: 'boolean', default: false } },
  strict: true,
});

const options: EmulatorOptions = {};
if (values.port !== undefined) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number between 0 and 65535, got "${values.port}"`);
    process.exit(2);
  }
  options.port = port;
}
if (values.dir !== undefined) options.dir = values.dir;
if (!values.bare) options.extensions = [new SimulatedCluster()];

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
