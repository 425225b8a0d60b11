// The chunk geometry of DCP tensors: runs cover any element range exactly as a brute-force
// element-by-element lookup does, for row, column, grid and uneven tilings; bad tilings are errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChunkBox } from '../../src/core/checkpoint/dcpChunks';
import { checkTiling, chunkRuns } from '../../src/core/checkpoint/dcpChunks';

const box = (offsets: number[], sizes: number[], file = 'f'): ChunkBox => ({ offsets, sizes, file });

const tilings: Array<[string, number[], ChunkBox[]]> = [
  ['rows, uneven', [7, 4], [box([0, 0], [4, 4]), box([4, 0], [3, 4])]],
  ['columns', [3, 6], [box([0, 0], [3, 2]), box([0, 2], [3, 4])]],
  ['grid', [4, 6], [box([0, 0], [2, 3]), box([2, 3], [2, 3]), box([0, 3], [2, 3]), box([2, 0], [2, 3])]],
  ['3-d middle dim', [2, 5, 3], [box([0, 0, 0], [2, 2, 3]), box([0, 2, 0], [2, 3, 3])]],
  ['one chunk', [3, 3], [box([0, 0], [3, 3])]],
  ['scalar', [], [box([], [])]],
];

/** Per element of the full tensor: [chunk, element within it], by looking every element up. */
function brute(size: number[], chunks: ChunkBox[]): Array<[number, number]> {
  const total = size.reduce((a, b) => a * b, 1);
  const out: Array<[number, number]> = [];
  for (let p = 0; p < total; p++) {
    const coords: number[] = [];
    let rest = p;
    for (let d = size.length - 1; d >= 0; d--) {
      coords[d] = rest % size[d];
      rest = Math.floor(rest / size[d]);
    }
    const i = chunks.findIndex((c) => c.offsets.every((o, d) => coords[d] >= o && coords[d] < o + c.sizes[d]));
    let e = 0;
    for (let d = 0; d < size.length; d++) e = e * chunks[i].sizes[d] + coords[d] - chunks[i].offsets[d];
    out.push([i, e]);
  }
  return out;
}

for (const [name, size, chunks] of tilings) {
  test(`runs of ${name} match the element-by-element mapping for every range`, () => {
    checkTiling('t', size, chunks);
    const want = brute(size, chunks);
    for (let start = 0; start < want.length; start++) {
      for (let count = 1; start + count <= want.length; count++) {
        const got: Array<[number, number]> = [];
        for (const run of chunkRuns(size, chunks, start, count)) for (let k = 0; k < run.length; k++) got.push([run.chunk, run.chunkElement + k]);
        assert.deepEqual(got, want.slice(start, start + count), `${start}+${count}`);
      }
    }
  });
}

test('bad tilings are errors naming the chunks and their files', () => {
  assert.throws(() => checkTiling('w', [4, 4], [box([0, 0], [3, 4], 'a'), box([2, 0], [2, 4], 'b')]), /"w" at \[0, 0\] \(a\) and \[2, 0\] \(b\) overlap/);
  assert.throws(() => checkTiling('w', [4, 4], [box([0, 0], [3, 4], 'a')]), /cover 12 of its 16 elements/);
  assert.throws(() => checkTiling('w', [4, 4], [box([0, 0], [4, 4]), box([3, 0], [2, 4], 'b')]), /reaches past its size \[4, 4\]/);
});
