// A probe of the floor, not a reader: about the least work any `inspect --json` of
// bench/make_many_tensors.py's checkpoint could do in a Node process. It asks whether another
// data model could reach issue 8's target (8x torch.load at 60,000 tensors) and is never used on
// other files. bench/manyTensorsFloor.mjs runs it.
//
// Each design reads the zip directory into typed columns and the pickle's bytes, finds the memo
// entries the pickle reads back, runs the pickle's opcodes with every tensor written into
// typed-array columns, walks the dicts for the paths and writes one JSON row per tensor (path,
// dtype, shape, nbytes, role, device) into one buffer:
// - `objects` (bench/probe/objects.mjs): the other values as JS values;
// - `handles` (bench/probe/handles.mjs): no JS value per pickle value at all, only int handles
//   into typed arrays, and keys copied as bytes from the pickle into the output.
// What both leave out, each of which the CLI does: bounds and limits, security, roles beyond
// model/optimizer, layers, ties, coverage, record checks and errors.
//
// Usage: node bench/manyTensorsProbe.mjs FILE objects|handles|fixed [LENGTH]
// - `fixed LENGTH` stops after the zip directory and writes LENGTH bytes (the report's length):
//   the cost that does not depend on the pickle.
// - Prints its phases (ms) on stderr as one JSON line.
import * as fs from 'node:fs';
import { memoReads, readDirectory, readPickle } from './probe/common.mjs';
import { unpickleHandles, writeHandles } from './probe/handles.mjs';
import { tensorColumns, unpickleObjects, writeObjects } from './probe/objects.mjs';

const t0 = performance.now();
const phases = {};
let at = t0;
const mark = (name) => {
  const now = performance.now();
  phases[name] = now - at;
  at = now;
};

const [file, design, length] = process.argv.slice(2);
if (design === 'fixed') {
  const fd = fs.openSync(file, 'r');
  readDirectory(fd, fs.fstatSync(fd).size);
  mark('zip');
  fs.writeSync(1, 'x'.repeat(Number(length)));
  mark('write');
} else {
  const { size, data } = readPickle(file);
  mark('read');
  const reads = memoReads(data);
  mark('memoReads');
  let out;
  if (design === 'objects') {
    const tensors = tensorColumns();
    const value = unpickleObjects(data, reads, tensors);
    mark('unpickle');
    out = writeObjects(value, tensors, file, size);
  } else if (design === 'handles') {
    const tables = unpickleHandles(data, reads);
    mark('unpickle');
    out = writeHandles(data, tables, file, size);
  } else {
    throw new Error(`unknown design ${design}: objects, handles or fixed`);
  }
  mark('rows');
  fs.writeSync(1, out);
  mark('write');
}
process.stderr.write(`${JSON.stringify({ ...phases, total: performance.now() - t0, sinceProcessStart: performance.now() })}\n`);
