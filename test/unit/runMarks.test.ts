// Pins, notes and archive records: the state file beside a run, written atomically, read by the
// listing, and never trusted or overwritten when it cannot be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listRoot } from '../../src/core/listing/listRoot';
import { planRelist } from '../../src/core/listing/relistPlan';
import { LISTED_NAME_PATTERNS } from '../../src/core/listing/watchPatterns';
import { MARKS_FILE, MAX_NOTE_CHARS, isProtectedMark, parseRunMarks, serializeRunMarks } from '../../src/core/marks/checkpointMarks';
import { RunMarksError, addArchiveRecord, readRunMarks, setNote, setPinned, useMarksFallback } from '../../src/core/marks/marksFile';
import { makeTree } from './support/tempTree';

test('pins, notes and archive records are written to the state file and read back', async () => {
  const { root, cleanup } = await makeTree({ 'run/model_000100.pt': 10, 'run/best.pt': 10 });
  const dir = join(root, 'run');
  try {
    await setPinned(dir, 'step:100', true);
    await setNote(dir, 'best.pt', '  the one in\nthe paper ');
    await addArchiveRecord(dir, 'best.pt', '/mnt/archive/run/best.pt', new Date('2024-05-01T10:00:00Z'));
    assert.equal(
      await readFile(join(dir, MARKS_FILE), 'utf8'),
      '{\n  "version": 1,\n  "checkpoints": {\n' +
        '    "best.pt": {"note":"the one in the paper","archived":[{"to":"/mnt/archive/run/best.pt","at":"2024-05-01T10:00:00.000Z"}]},\n' +
        '    "step:100": {"pinned":true}\n  }\n}\n',
    );
    // Written through a temp file and a rename: nothing else is left in the folder.
    assert.deepEqual((await readdir(dir)).sort(), [MARKS_FILE, 'best.pt', 'model_000100.pt']);
    await setPinned(dir, 'step:100', false);
    await setNote(dir, 'best.pt', '');
    const read = readRunMarks(dir);
    assert.deepEqual([...read.marks], [['best.pt', { archived: [{ to: '/mnt/archive/run/best.pt', at: '2024-05-01T10:00:00.000Z' }] }]]);
  } finally {
    await cleanup();
  }
});

test('the listing attaches each mark to its checkpoint, and a change to the state file relists the run', async () => {
  const { root, cleanup } = await makeTree({
    'run/model_000100.pt': 10,
    'run/model_000200.pt': 10,
    [`run/${MARKS_FILE}`]: JSON.stringify({ version: 1, checkpoints: { 'step:200': { note: 'before the LR change' }, 'step:999': { pinned: true } } }),
  });
  try {
    const listing = await listRoot(root);
    const marks = listing.runs[0]!.checkpoints.map((c) => [c.name, c.mark]);
    assert.deepEqual(marks, [['step 000100', undefined], ['step 000200', { note: 'before the LR change' }]]);
    const plan = planRelist({ root, layout: 'folder', exists: true, depth: 4, runDirs: [join(root, 'run')] }, [join(root, 'run', MARKS_FILE)]);
    assert.deepEqual(plan, { full: false, runs: [join(root, 'run')], subtrees: [] });
    assert.ok(LISTED_NAME_PATTERNS.includes(`**/${MARKS_FILE}`));
  } finally {
    await cleanup();
  }
});

test('a state file that is not JSON, too big or from a newer version is reported, and never overwritten', async () => {
  const { root, cleanup } = await makeTree({ 'a/model_000100.pt': 10, 'b/model_000100.pt': 10, 'c/model_000100.pt': 10 });
  try {
    await writeFile(join(root, 'a', MARKS_FILE), '{"version": 1, "checkpoints": {"step:100": {"pinned": tr');
    await writeFile(join(root, 'b', MARKS_FILE), JSON.stringify({ version: 7, checkpoints: { 'step:100': { pinned: true, colour: 'red' } } }));
    await writeFile(join(root, 'c', MARKS_FILE), Buffer.alloc(2 * 1024 * 1024, 0x20));
    const listing = await listRoot(root);
    assert.deepEqual(listing.warnings, [
      `${join(root, 'a', MARKS_FILE)}: not valid JSON; its pins and notes are skipped`,
      `${join(root, 'b', MARKS_FILE)}: written by a newer version (format 7); only what this version knows is shown`,
      `${join(root, 'c', MARKS_FILE)}: larger than 1048576 bytes, not read; its pins and notes are skipped`,
    ]);
    // What a newer version wrote is still honoured where understood: the pin protects.
    assert.deepEqual(listing.runs.map((r) => r.checkpoints[0]!.mark), [undefined, { pinned: true }, undefined]);
    for (const [run, code] of [['a', 'unreadable'], ['b', 'newer-version'], ['c', 'unreadable']] as const) {
      const before = await readFile(join(root, run, MARKS_FILE));
      await assert.rejects(setPinned(join(root, run), 'step:100', true), (err: unknown) => err instanceof RunMarksError && err.code === code);
      assert.deepEqual(await readFile(join(root, run, MARKS_FILE)), before);
    }
  } finally {
    await cleanup();
  }
});

test('a folder that cannot be written gives a not-writable error, for the caller to keep marks elsewhere', async () => {
  const { root, cleanup } = await makeTree({ 'run/model_000100.pt': 10 });
  // Root writes through permission bits; sysfs refuses it all the same.
  const dir = process.getuid?.() === 0 ? '/sys' : join(root, 'run');
  try {
    await chmod(join(root, 'run'), 0o555);
    await assert.rejects(setPinned(dir, 'step:100', true), (err: unknown) => err instanceof RunMarksError && err.code === 'not-writable');
  } finally {
    await chmod(join(root, 'run'), 0o755);
    await cleanup();
  }
});

test('with a fallback store (the extension\'s workspace state), a folder that cannot be written keeps its marks there, and the listing reads them', async () => {
  const { root, cleanup } = await makeTree({ 'run/model_000100.pt': 10, 'run/model_000200.pt': 10 });
  const kept = new Map<string, string>();
  useMarksFallback({ get: (d) => kept.get(d), set: (d, t) => void (t === undefined ? kept.delete(d) : kept.set(d, t)) });
  const readOnly = process.getuid?.() === 0 ? '/sys' : join(root, 'run');
  try {
    if (readOnly !== '/sys') await chmod(readOnly, 0o555);
    await setPinned(readOnly, 'step:100', true);
    await setNote(readOnly, 'step:100', 'before the LR change');
    assert.ok(kept.has(readOnly), 'the marks went to the fallback store');
    const read = readRunMarks(readOnly);
    assert.equal(read.fallback, true);
    assert.deepEqual(read.marks.get('step:100'), { pinned: true, note: 'before the LR change' });
    // A writable folder: marks go to its file, and what the store held for it moves there too.
    const dir = join(root, 'run');
    if (readOnly !== '/sys') await chmod(readOnly, 0o755);
    kept.set(dir, serializeRunMarks(new Map([['step:200', { pinned: true }]])));
    await setNote(dir, 'step:100', 'kept in the file');
    assert.equal(kept.has(dir), false);
    const inFile = parseRunMarks(await readFile(join(dir, MARKS_FILE), 'utf8'));
    assert.deepEqual([...inFile.marks.keys()].sort(), ['step:100', 'step:200']);
    // The listing (and so the prune plan) sees marks from the store.
    kept.set(dir, serializeRunMarks(new Map([['step:200', { note: 'only in the store' }]])));
    const listing = await listRoot(root);
    const marked = listing.runs.flatMap((r) => r.checkpoints).find((c) => c.mark?.note === 'only in the store');
    assert.ok(marked, 'the listing attached the stored note');
  } finally {
    useMarksFallback(undefined);
    if (readOnly !== '/sys') await chmod(readOnly, 0o755);
    await cleanup();
  }
});

test('untrusted state: prototype keys stay plain keys, wrong types are skipped, notes are one short line', () => {
  // Written as text: an object literal's `__proto__` would set its prototype instead of a key.
  const parsed = parseRunMarks(
    `{"version": 1, "checkpoints": {"__proto__": {"pinned": true}, "constructor": {"note": "${'x'.repeat(2000)}"}, ` +
      `"step:1": "pinned", "step:2": {"pinned": "yes", "note": 42, "archived": [{"to": 3}, {"to": "/copy\\u001b[2J", "at": 5}]}, "step:3": {"pinned": false}}}`,
  );
  assert.equal(Object.getPrototypeOf({}).pinned, undefined);
  assert.equal(parsed.problem, '1 entries are not objects and were skipped');
  assert.deepEqual([...parsed.marks.keys()], ['__proto__', 'constructor', 'step:2']);
  assert.equal(parsed.marks.get('constructor')!.note!.length, MAX_NOTE_CHARS);
  // The escape is gone; what is left is plain text.
  assert.deepEqual(parsed.marks.get('step:2'), { archived: [{ to: '/copy [2J', at: '' }] });
  assert.ok(isProtectedMark(parsed.marks.get('step:2')));
  assert.ok(!isProtectedMark(parsed.marks.get('step:3')));
  // Round trip: what is written reads back the same.
  assert.deepEqual([...parseRunMarks(serializeRunMarks(parsed.marks)).marks], [...parsed.marks]);
});
