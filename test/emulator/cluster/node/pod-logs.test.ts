import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerLog, PodLogStore } from './pod-logs.ts';

test('a container log keeps the most recent bytes and tails by lines and bytes', () => {
  const log = new ContainerLog(10);
  log.append(Buffer.from('abcdef\n'));
  log.append(Buffer.from('ghij\n'));
  assert.equal(log.text(), 'cdef\nghij\n');
  assert.equal(log.tail(1, 100), 'ghij');
  assert.equal(log.tail(5, 3), 'hij');
});

test('reads name the container unless the pod has exactly one; a new pod under the same name starts fresh', () => {
  const logs = new PodLogStore(1024);
  logs.open('ns', 'p', 'uid-1', ['main'], 'main').append(Buffer.from('hello\n'));
  logs.open('ns', 'p', 'uid-1', ['main'], 'init').append(Buffer.from('init\n'));
  assert.equal(logs.read('ns', 'p'), 'hello\n');
  assert.equal(logs.read('ns', 'p', 'init'), 'init\n');
  assert.equal(logs.read('ns', 'other'), undefined);
  logs.open('ns', 'p', 'uid-2', ['a', 'b'], 'a');
  assert.equal(logs.read('ns', 'p', 'init'), undefined);
  assert.equal(logs.read('ns', 'p'), undefined, 'two containers and none named');
  logs.forget('ns', 'p', 'uid-1');
  assert.equal(logs.read('ns', 'p', 'a'), '', 'forgetting an older uid keeps the newer pod');
  logs.forget('ns', 'p');
  assert.equal(logs.read('ns', 'p', 'a'), undefined);
});
