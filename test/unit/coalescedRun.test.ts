import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescedRun } from '../../src/extension/coalescedRun';

test('CoalescedRun runs one job at a time, and once more for any number of asks while it ran', async () => {
  let runs = 0;
  let release: () => void = () => undefined;
  const run = new CoalescedRun(async () => {
    runs++;
    if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
  });
  const first = run.run();
  assert.ok(run.current);
  const asked = [run.run(), run.run(), run.run()];
  assert.equal(runs, 1);
  release();
  await Promise.all([first, ...asked]);
  assert.equal(runs, 2);
  assert.equal(run.current, undefined);
  await run.run();
  assert.equal(runs, 3);
});

test('CoalescedRun passes a failure on and can run again after it', async () => {
  let fail = true;
  const run = new CoalescedRun(async () => {
    if (fail) throw new Error('listing failed');
  });
  await assert.rejects(run.run(), /listing failed/);
  fail = false;
  await run.run();
});
