// The request/response layer shared by the host, the webviews and the session worker: two
// endpoints wired back to back, as a webview and its host are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MethodMap, RpcMessage } from '../../src/core/rpc/rpcEndpoint';
import { RpcEndpoint, RpcError } from '../../src/core/rpc/rpcEndpoint';

type ServerMethods = {
  add: { params: { a: number; b: number }; result: number };
  count: { params: { to: number }; result: string; progress: number };
  wait: { params: Record<string, never>; result: void };
  tidy: { params: Record<string, never>; result: void };
  fail: { params: Record<string, never>; result: void };
};
type ServerEvent = { type: 'hello'; name: string };

function pair(onWaitAbort?: () => void, tidied: string[] = []) {
  const log: RpcMessage[] = [];
  const peers: { server?: RpcEndpoint<ServerMethods, MethodMap, ServerEvent> } = {};
  const events: ServerEvent[] = [];
  // Messages cross asynchronously, as postMessage delivers them.
  const client = new RpcEndpoint<MethodMap, ServerMethods, never, ServerEvent>(
    (m) => {
      log.push(m);
      queueMicrotask(() => peers.server!.receive(structuredClone(m)));
    },
    {},
    (e) => events.push(e),
  );
  const server = new RpcEndpoint<ServerMethods, MethodMap, ServerEvent>(
    (m) => {
      log.push(m);
      queueMicrotask(() => client.receive(structuredClone(m)));
    },
    {
      add: ({ a, b }) => a + b,
      count: async ({ to }, { progress }) => {
        for (let i = 1; i <= to; i++) progress(i);
        return `counted to ${to}`;
      },
      wait: (_params, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            onWaitAbort?.();
            reject(Object.assign(new Error('stopped'), { name: 'AbortError' }));
          });
        }),
      // On abort it cleans up over a few turns of the event loop before it gives up.
      tidy: (_params, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', async () => {
            for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
            tidied.push('temp file removed');
            reject(Object.assign(new Error('stopped'), { name: 'AbortError' }));
          });
        }),
      fail: () => {
        throw Object.assign(new Error('The checkpoint is corrupt: bad CRC.'), { code: 'corrupt', data: { tensor: 'wte.weight' } });
      },
    },
  );
  peers.server = server;
  return { client, server, log, events };
}

test('a request is answered with its result, matched by id', async () => {
  const { client, log } = pair();
  const [x, y] = await Promise.all([client.request('add', { a: 2, b: 3 }), client.request('add', { a: 10, b: -1 })]);
  assert.deepEqual([x, y], [5, 9]);
  const requests = log.filter((m) => m.rpc === 'request').map((m) => (m as { id: number }).id);
  const replies = log.filter((m) => m.rpc === 'result').map((m) => (m as { replyTo: number }).replyTo);
  assert.deepEqual(replies.sort(), requests.sort());
  assert.equal(client.inFlight, 0);
});

test('progress reports reach the caller before the result', async () => {
  const { client } = pair();
  const seen: number[] = [];
  const result = await client.request('count', { to: 3 }, { onProgress: (n) => seen.push(n) });
  assert.equal(result, 'counted to 3');
  assert.deepEqual(seen, [1, 2, 3]);
});

test('errors arrive with their message, code and data', async () => {
  const { client } = pair();
  await assert.rejects(client.request('fail', {}), (err: unknown) => {
    assert.ok(err instanceof RpcError);
    assert.equal(err.message, 'The checkpoint is corrupt: bad CRC.');
    assert.equal(err.code, 'corrupt');
    assert.deepEqual(err.data, { tensor: 'wte.weight' });
    return true;
  });
});

test('cancelling a request aborts the handler on the other side and rejects as an AbortError', async () => {
  let aborted!: () => void;
  const handlerSawAbort = new Promise<void>((r) => (aborted = r));
  const { client, log } = pair(() => aborted());
  const controller = new AbortController();
  const call = client.request('wait', {}, { signal: controller.signal });
  await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await assert.rejects(call, (err: Error) => err.name === 'AbortError');
  await handlerSawAbort;
  assert.ok(log.some((m) => m.rpc === 'cancel'));
});

test('with awaitCancel, a cancelled request rejects only once the handler has finished cleaning up', async () => {
  const tidied: string[] = [];
  const { client } = pair(undefined, tidied);
  const controller = new AbortController();
  const call = client.request('tidy', {}, { signal: controller.signal, awaitCancel: true });
  await new Promise((r) => setImmediate(r));
  controller.abort();
  await assert.rejects(call, (err: Error) => {
    assert.equal(err.name, 'AbortError');
    assert.deepEqual(tidied, ['temp file removed']);
    return true;
  });
});

test('an unknown method is an error, not a hang', async () => {
  const { client } = pair();
  await assert.rejects((client as unknown as RpcEndpoint<MethodMap, MethodMap>).request('nope', {}), /Unknown method "nope"/);
});

test('events go one way and anything that is not an RPC message is left to the caller', async () => {
  const { server, client, events } = pair();
  server.emit({ type: 'hello', name: 'host' });
  await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(events, [{ type: 'hello', name: 'host' }]);
  assert.equal(client.receive({ type: 'ready' }), false);
  assert.equal(client.receive(null), false);
});

test('dispose rejects what is pending and refuses new requests', async () => {
  const { client } = pair();
  const call = client.request('wait', {});
  client.dispose();
  await assert.rejects(call, /closed/);
  await assert.rejects(client.request('add', { a: 1, b: 1 }), /closed/);
});
