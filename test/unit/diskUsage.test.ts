// What a deletion frees: a link frees nothing, a hard-linked file frees its bytes only when its
// last link goes, a folder frees everything under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measurePath, reclaimableBytes } from '../../src/core/prune/diskUsage';
import { makeTree } from './support/tempTree';

test('symbolic links free nothing, hard links are counted once and only when every link goes, folders all the way down', async () => {
  const { root, cleanup } = await makeTree({ 'run/epoch_2.pt': 1000, 'run/checkpoint-100/model.safetensors': 300 });
  try {
    await link(join(root, 'run', 'epoch_2.pt'), join(root, 'run', 'best.pt'));
    await symlink(join(root, 'run', 'epoch_2.pt'), join(root, 'run', 'last.pt'));
    await mkdir(join(root, 'run', 'checkpoint-100', 'global_step100'));
    await writeFile(join(root, 'run', 'checkpoint-100', 'global_step100', 'states.pt'), Buffer.alloc(200));
    const [epoch2, best, last, folder] = ['epoch_2.pt', 'best.pt', 'last.pt', 'checkpoint-100'].map((n) => measurePath(join(root, 'run', n)));
    assert.deepEqual([last!.bytes, last!.symlink], [0, true]);
    assert.equal(folder!.bytes, 500);
    assert.equal(reclaimableBytes([epoch2!]), 0, 'best.pt still holds the bytes');
    assert.equal(reclaimableBytes([epoch2!, best!]), 1000);
    assert.equal(reclaimableBytes([epoch2!, best!, last!, folder!]), 1500);
    const gone = measurePath(join(root, 'run', 'nothing.pt'));
    assert.deepEqual([gone.bytes, gone.problem], [0, 'ENOENT']);
  } finally {
    await cleanup();
  }
});
