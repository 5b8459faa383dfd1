/**
 * Preload for the image benchmark (`node --import ./bench/module-count.ts …`): counts the modules the process loads
 * and prints `modules: N (P from packages)` on stderr at exit, to show what start-up costs come from.
 */
import { registerHooks } from 'node:module';

let total = 0;
let fromPackages = 0;
registerHooks({
  load(url, context, nextLoad) {
    total++;
    if (url.includes('/node_modules/')) fromPackages++;
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  process.stderr.write(`modules: ${total} (${fromPackages} from packages)\n`);
});
