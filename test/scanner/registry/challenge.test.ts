import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges } from '../../../src/scanner/registry/challenge.ts';

describe('parseChallenges', () => {
  it('reads a Docker Hub style Bearer challenge', () => {
    assert.deepEqual(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    );
  });

  it('reads several challenges, unquoted values and escapes', () => {
    assert.deepEqual(parseChallenges('Basic realm="a \\"b\\"", Bearer realm=https://x/t , service=svc'), [
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', service: 'svc' } },
    ]);
  });

  it('never throws on garbage', () => {
    for (const junk of ['', '=', '"', 'Bearer realm="unterminated', ',,,', 'Bearer ==="']) {
      assert.doesNotThrow(() => parseChallenges(junk));
    }
    assert.deepEqual(parseChallenges(''), []);
  });
});
