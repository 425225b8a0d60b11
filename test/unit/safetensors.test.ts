import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptError, TruncatedError, UnsupportedError } from '../../src/core/errors';
import { looksLikeSafetensors, readSafetensorsHeader } from '../../src/core/formats/safetensors';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { FileByteSource } from '../../src/core/io/fileByteSource';

// Fixtures come from test/fixtures/safetensors/make_safetensors_fixtures.py.
const FIXTURES = join(__dirname, '../../../test/fixtures/safetensors');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const read = (bytes: Uint8Array) => readSafetensorsHeader(new BufferByteSource(bytes));

/** A file from header text (padded to a multiple of 8 like the reference writer) and `dataLength` zero bytes. */
function build(header: string | object, dataLength = 0, lengthField?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  let json = new TextEncoder().encode(text);
  if (json.length % 8) json = Uint8Array.from([...json, ...new Array(8 - (json.length % 8)).fill(0x20)]);
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
function withByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  bytes[offset] = value;
  return bytes;
}
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

test('a small model: tensors in header order with absolute offsets, metadata, readable data', async () => {
  const source = await FileByteSource.open(join(FIXTURES, 'model.safetensors'));
  try {
    const header = await readSafetensorsHeader(source);
    assert.deepEqual(header, {
      headerLength: 312,
      tensors: [
        { name: 'wte.weight', dtype: 'bfloat16', shape: [2, 2], dataOffset: 320, nbytes: 8 },
        { name: 'h.0.attn.weight', dtype: 'float32', shape: [2, 3], dataOffset: 328, nbytes: 24 },
        { name: 'h.0.attn.bias', dtype: 'float32', shape: [3], dataOffset: 352, nbytes: 12 },
        { name: 'step', dtype: 'int64', shape: [], dataOffset: 364, nbytes: 8 },
      ],
      metadata: { format: 'pt', note: 'café' },
    });
    const weight = header.tensors[1];
    const floats = new Float32Array((await source.read(weight.dataOffset, weight.nbytes)).slice().buffer);
    assert.deepEqual([...floats], [0, 1, 2, 3, 4, 5]);
    const step = header.tensors[3];
    assert.equal(new DataView((await source.read(step.dataOffset, 8)).slice().buffer).getBigInt64(0, true), 1200n);
  } finally {
    await source.close();
  }
});

test('integer-like names keep the order the file lists them in (JSON.parse would move them first)', async () => {
  const header = await read(fixture('numeric_keys.safetensors'));
  assert.deepEqual(
    header.tensors.map((t) => t.name),
    ['layer.weight', '10', '2', '0'],
  );
  assert.deepEqual(header.metadata, {});
});

test('every safetensors dtype maps to its torch name and element size', async () => {
  const header = await read(fixture('dtypes.safetensors'));
  assert.deepEqual(
    header.tensors.map((t) => [t.name, t.dtype, t.nbytes]),
    [
      ['t_f64', 'float64', 24],
      ['t_f32', 'float32', 12],
      ['t_f16', 'float16', 6],
      ['t_bf16', 'bfloat16', 6],
      ['t_i64', 'int64', 24],
      ['t_i32', 'int32', 12],
      ['t_i16', 'int16', 6],
      ['t_i8', 'int8', 3],
      ['t_u64', 'uint64', 24],
      ['t_u32', 'uint32', 12],
      ['t_u16', 'uint16', 6],
      ['t_u8', 'uint8', 3],
      ['t_bool', 'bool', 3],
      ['t_f8_e4m3', 'float8_e4m3fn', 3],
      ['t_f8_e5m2', 'float8_e5m2', 3],
      ['t_c64', 'complex64', 24],
      ['empty', 'float32', 0],
    ],
  );
  assert.deepEqual(header.tensors.at(-1)?.shape, [0, 4]);
});

test('key order survives escapes, braces inside strings and nested metadata', async () => {
  const text =
    '{"__metadata__":{"x":"}{,\\"[","y":"a"},"b\\"}":' +
    JSON.stringify(f32([1], 0, 4)) +
    ',"1":' +
    JSON.stringify(f32([1], 4, 8)) +
    ',"\\u0061":' +
    JSON.stringify(f32([], 8, 12)) +
    '}';
  const header = await read(build(text, 12));
  assert.deepEqual(
    header.tensors.map((t) => t.name),
    ['b"}', '1', 'a'],
  );
  assert.deepEqual(header.metadata, { x: '}{,"[', y: 'a' });
});

test('metadata values that are not strings are kept as their JSON text', async () => {
  const header = await read(build({ __metadata__: { step: 12, tags: ['a'] } }));
  assert.deepEqual(header, { headerLength: 48, tensors: [], metadata: { step: '12', tags: '["a"]' } });
});

test('looksLikeSafetensors: a plausible length and a brace after it', () => {
  const good = fixture('model.safetensors');
  assert.equal(looksLikeSafetensors(good.subarray(0, 16), good.length), true);
  assert.equal(looksLikeSafetensors(good.subarray(0, 16), 100), false); // header longer than the file
  assert.equal(looksLikeSafetensors(good.subarray(0, 8), good.length), false); // too short to tell
  assert.equal(looksLikeSafetensors(build('[1]').subarray(0, 16), 16), false);
  assert.equal(looksLikeSafetensors(build('{}', 0, 200n * 1024n * 1024n).subarray(0, 16), 2 ** 40), false);
  assert.equal(looksLikeSafetensors(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0x7b), 1000), false); // a zip
});

// --- bad headers: each a typed error

const BAD: Array<[string, Uint8Array, new (...args: never[]) => Error, RegExp]> = [
  ['a file shorter than the length field', Uint8Array.of(1, 2, 3), TruncatedError, /ends early/],
  ['a header length over 100 MiB', build('{}', 0, 2n ** 40n), CorruptError, /100 MiB/],
  ['a header length past the end', build('{}', 0, 1000n), TruncatedError, /header ends early/],
  ['a header that is not UTF-8', withByte(build('{"?":1}'), 10, 0xff), CorruptError, /UTF-8/],
  ['a header that is not JSON', build('{"a": }'), CorruptError, /not valid JSON/],
  ['a header that is a JSON array', build('[]'), CorruptError, /not a JSON object/],
  ['a tensor that is not an object', build({ a: 3 }), CorruptError, /not a tensor description/],
  ['a missing dtype', build({ a: { shape: [1], data_offsets: [0, 4] } }, 4), CorruptError, /no dtype/],
  ['an unknown dtype', build({ a: { dtype: 'F4', shape: [2], data_offsets: [0, 1] } }, 1), UnsupportedError, /"F4"/],
  ['a negative dimension', build({ a: f32([-1], 0, 4) }, 4), CorruptError, /invalid shape/],
  ['a fractional dimension', build({ a: f32([1.5], 0, 6) }, 6), CorruptError, /invalid shape/],
  ['a shape that is not a list', build({ a: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, 8), CorruptError, /invalid shape/],
  ['data_offsets of the wrong arity', build({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), CorruptError, /data_offsets/],
  ['data_offsets backwards', build({ a: f32([0], 4, 0) }, 4), CorruptError, /data_offsets/],
  ['a byte count that does not match the shape', build({ a: f32([2, 2], 0, 12) }, 12), CorruptError, /should take 16 bytes/],
  ['a shape whose element count overflows', build({ a: f32([2 ** 40, 2 ** 40], 0, 4) }, 4), CorruptError, /should take/],
  ['data past the end of the file', build({ a: f32([4], 0, 16) }, 8), TruncatedError, /"a" ends early/],
  ['two tensors over the same bytes', build({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, 8), CorruptError, /overlap/],
  ['a name listed twice', build('{"a":' + JSON.stringify(f32([1], 0, 4)) + ',"a":' + JSON.stringify(f32([1], 4, 8)) + '}', 8), CorruptError, /twice/],
  ['metadata that is not an object', build({ __metadata__: 'x' }), CorruptError, /__metadata__/],
];

for (const [what, bytes, type, message] of BAD) {
  test(`bad header: ${what}`, async () => {
    await assert.rejects(read(bytes), (err: unknown) => err instanceof type && message.test(err.message));
  });
}
