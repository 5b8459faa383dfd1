import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const moduleDir = join(import.meta.dirname, '../../../../src/scanner/db/bbolt');

it('the bbolt reader imports only Node built-ins, its own files and util/errors', () => {
  const allowed = /^(node:|\.\/[\w-]+\.ts$|\.\.\/\.\.\/\.\.\/util\/errors\.ts$)/;
  const files = readdirSync(moduleDir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('index.ts'));
  for (const file of files) {
    const source = readFileSync(join(moduleDir, file), 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
      (m) => m[1]!,
    );
    for (const specifier of specifiers) assert.match(specifier, allowed, `${file} imports ${specifier}`);
  }
});
