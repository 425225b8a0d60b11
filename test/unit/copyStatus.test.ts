// The copy buttons' status line answers after the host has written the clipboard, not when the
// button is pressed, and says why a copy failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyStatus } from '../../src/webview/copyStatus';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('says Copying until the host has written the clipboard, then Copied', async () => {
  const line = { textContent: '' as string | null };
  const status = new CopyStatus(line);
  const write = deferred();
  const answered = status.track(write.promise, 'the sha256 of w');
  assert.equal(line.textContent, 'Copying the sha256 of w…');
  await Promise.resolve();
  assert.equal(line.textContent, 'Copying the sha256 of w…', 'no confirmation before the write');
  write.resolve();
  await answered;
  assert.equal(line.textContent, 'Copied the sha256 of w.');
  status.show('', false);
});

test('says why a copy failed', async () => {
  const line = { textContent: '' as string | null };
  const status = new CopyStatus(line);
  await status.track(Promise.reject(new Error('The clipboard is not available.')), 'the hashes');
  assert.equal(line.textContent, 'Could not copy the hashes: The clipboard is not available.');
  status.show('', false);
});

test("an earlier copy's late answer does not replace a later one", async () => {
  const line = { textContent: '' as string | null };
  const status = new CopyStatus(line);
  const first = deferred();
  const second = deferred();
  const a = status.track(first.promise, 'a');
  const b = status.track(second.promise, 'b');
  second.resolve();
  await b;
  first.resolve();
  await a;
  assert.equal(line.textContent, 'Copied b.');
  status.show('', false);
});

test('a message shown without clearing stays, and a later copy replaces it', async () => {
  const line = { textContent: '' as string | null };
  const status = new CopyStatus(line);
  status.show('w: row 1 of 3, Enter shows its statistics.', false);
  assert.equal(line.textContent, 'w: row 1 of 3, Enter shows its statistics.');
  await status.track(Promise.resolve(), 'x');
  assert.equal(line.textContent, 'Copied x.');
  status.show('', false);
});
