// The fuzz suite at a fixed seed (test/fuzz/): 10,000 mutations of every fixture, byte-level and
// structure-aware, each of which must end with a result or a typed CheckpointError, within the
// watchdog and the memory a file of its size pays for. `npm run fuzz -- --seed N --cases 100000`
// runs longer ones.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFuzz } from '../fuzz/runFuzz';

const SEED = 20261202;
const CASES = 10_000;

test(`fuzz: ${CASES} mutated fixtures (seed ${SEED}) end in a result or a typed error`, { timeout: 15 * 60_000 }, async () => {
  const r = await runFuzz({ seed: SEED, cases: CASES, fixtures: join(__dirname, '..', '..', '..', 'test', 'fixtures'), crashDir: join(tmpdir(), 'checkpoint-manager-fuzz') });
  assert.deepEqual(r.failures, []);
  assert.equal(r.cases, CASES);
  // The mutations reach past the first check: many cases fail in different ways, some still read.
  const codes = Object.keys(r.outcomes).filter((k) => k.startsWith('read '));
  for (const code of ['read ok', 'read corrupt', 'read truncated', 'read unsupported']) assert.ok(codes.includes(code), `no case ended "${code}": ${codes.join(', ')}`);
});
