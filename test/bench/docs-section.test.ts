import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { markdownTable, writeBenchmarkSection } from '../../bench/docs-section.ts';

describe('benchmark sections of docs/benchmarks.md', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trivy-ts-docs-section-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pads table columns as Prettier aligns them', () => {
    assert.equal(
      markdownTable(
        ['Metric', 'Result'],
        [
          ['open', '2 ms'],
          ['warm lookups', '1,000/s'],
        ],
      ),
      [
        '| Metric       | Result  |',
        '| ------------ | ------- |',
        '| open         | 2 ms    |',
        '| warm lookups | 1,000/s |',
      ].join('\n'),
    );
  });

  it('replaces its own section, keeps the others, and appends when it has none yet', async () => {
    const docs = join(dir, 'benchmarks.md');
    await writeFile(
      docs,
      '# Benchmarks\n\n<!-- a:start -->\n\nold a\n\n<!-- a:end -->\n\n<!-- b:start -->\n\nkept b\n\n<!-- b:end -->\n',
    );
    await writeBenchmarkSection('a', '## A\n\nnew a', docs);
    await writeBenchmarkSection('c', '## C\n\nappended', docs);
    assert.equal(
      await readFile(docs, 'utf8'),
      '# Benchmarks\n\n<!-- a:start -->\n\n## A\n\nnew a\n\n<!-- a:end -->\n\n<!-- b:start -->\n\nkept b\n\n' +
        '<!-- b:end -->\n\n<!-- c:start -->\n\n## C\n\nappended\n\n<!-- c:end -->\n',
    );
  });
});
