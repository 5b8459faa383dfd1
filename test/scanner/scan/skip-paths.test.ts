import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathSkipper, skipPathsKey, splitPatternLists } from '../../../src/scanner/scan/skip-paths.ts';

describe('--skip-files and --skip-dirs', () => {
  it('skips files by glob and everything below a skipped directory, a leading / allowed', () => {
    const skip = pathSkipper({
      files: ['**/*.jar', '/etc/app.key'],
      dirs: ['/usr/share/doc/', '**/node_modules'],
    })!;
    for (const path of [
      'opt/app/lib/a.jar',
      'a.jar',
      'etc/app.key',
      'usr/share/doc/bash/copyright',
      'usr/share/doc/x',
      'app/node_modules/lodash/package.json',
    ])
      assert.equal(skip(path), true, path);
    for (const path of [
      'etc/app.key.bak',
      'usr/share/docs/x',
      'usr/share/doc',
      'app/package.json',
      'a.jar.txt',
    ])
      assert.equal(skip(path), false, path);
  });

  it('skips nothing without patterns, and keys the cache by the settings, not their order', () => {
    assert.equal(pathSkipper(undefined), undefined);
    assert.equal(pathSkipper({ files: [' ', ''], dirs: [] }), undefined);
    assert.equal(skipPathsKey({ files: [], dirs: [] }), 'none');
    assert.equal(
      skipPathsKey({ files: ['b', 'a'], dirs: ['d'] }),
      skipPathsKey({ files: ['/a', 'b'], dirs: ['d/'] }),
    );
    assert.notEqual(skipPathsKey({ files: ['a'], dirs: [] }), skipPathsKey({ files: [], dirs: ['a'] }));
  });

  it('reads comma lists from repeated options', () => {
    assert.deepEqual(splitPatternLists(['a, b', 'c', '']), ['a', 'b', 'c']);
    assert.deepEqual(splitPatternLists(undefined), []);
  });
});
