/**
 * Bench-only: the layer pipeline of `trivy-ts image` without process start-up, detection or output — resolve the
 * image in the registry, stream every layer through digest verification, decompression, the tar walk, every
 * analyzer and the secret scanner, and merge. Prints `{"ms":…,"cpuMs":…,"packages":…}` on stdout. Not shipped.
 *   node bench/image-pipeline.ts <registry>/<repo>:<tag>
 */
import { analyzers } from '../src/scanner/analyzers/registry.ts';
import { languageAnalyzers } from '../src/scanner/analyzers/lang/index.ts';
import { hostPlatform } from '../src/scanner/image/platform.ts';
import { openRemoteImage } from '../src/scanner/image/remote.ts';
import { RegistryClient } from '../src/scanner/registry/client.ts';
import { analyzeImage } from '../src/scanner/scan/analyze-image.ts';
import { SecretScanner } from '../src/scanner/secrets/scanner.ts';

const reference = process.argv[2];
if (!reference) throw new Error('usage: image-pipeline.ts <registry>/<repo>:<tag>');
const secretScanner = new SecretScanner();
const started = performance.now();
const cpu = process.cpuUsage();
const image = await openRemoteImage(reference, {
  client: new RegistryClient({ insecure: true }),
  platform: hostPlatform(),
});
const analysis = await analyzeImage(image, {
  analyzers: [...new Set([...analyzers, ...languageAnalyzers])],
  secrets: { scanner: secretScanner, configHash: 'bench' },
});
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({
    ms: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    packages: analysis.inventory.Packages.length,
  })}\n`,
);
