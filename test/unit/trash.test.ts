// The freedesktop.org trash: items move into `files/` with a `.trashinfo` beside them in `info/`
// (so a file manager can restore them), never across file systems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTrash, moveToTrash, mountPointOf, trashInfoDate, trashInfoPath } from '../../src/core/prune/trash';
import type { TrashLookup } from '../../src/core/prune/trash';

async function scratch(where = tmpdir()): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(where, 'trash-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('a file and a folder go to $XDG_DATA_HOME/Trash with their .trashinfo; names that collide get a number', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const env = { XDG_DATA_HOME: join(dir, 'data') };
    await mkdir(join(dir, 'run', 'checkpoint-100'), { recursive: true });
    await writeFile(join(dir, 'run', 'checkpoint-100', 'model.safetensors'), 'w');
    await writeFile(join(dir, 'run', 'epoch=1-step=20.ckpt'), 'a');
    const found: TrashLookup = await findTrash(join(dir, 'run', 'epoch=1-step=20.ckpt'), { env, platform: 'linux' });
    const trash = 'trash' in found ? found.trash : assert.fail(found.problem);
    assert.deepEqual(trash, { kind: 'home', dir: join(dir, 'data', 'Trash') });
    const when = new Date(2024, 7, 31, 22, 32, 8);
    const first = moveToTrash(join(dir, 'run', 'epoch=1-step=20.ckpt'), trash, when);
    await writeFile(join(dir, 'run', 'epoch=1-step=20.ckpt'), 'b');
    const second = moveToTrash(join(dir, 'run', 'epoch=1-step=20.ckpt'), trash, when);
    const folder = moveToTrash(join(dir, 'run', 'checkpoint-100'), trash, when);
    const files = join(dir, 'data', 'Trash', 'files');
    assert.deepEqual([first, second, folder], [join(files, 'epoch=1-step=20.ckpt'), join(files, 'epoch=1-step=20.2.ckpt'), join(files, 'checkpoint-100')]);
    assert.deepEqual(await readdir(join(dir, 'run')), []);
    assert.equal(await readFile(second, 'utf8'), 'b');
    assert.equal(await readFile(join(folder, 'model.safetensors'), 'utf8'), 'w');
    const info = join(dir, 'data', 'Trash', 'info');
    assert.deepEqual((await readdir(info)).sort(), ['checkpoint-100.trashinfo', 'epoch=1-step=20.2.ckpt.trashinfo', 'epoch=1-step=20.ckpt.trashinfo']);
    assert.equal(
      await readFile(join(info, 'epoch=1-step=20.2.ckpt.trashinfo'), 'utf8'),
      `[Trash Info]\nPath=${trashInfoPath(join(dir, 'run', 'epoch=1-step=20.ckpt'))}\nDeletionDate=2024-08-31T22:32:08\n`,
    );
  } finally {
    await cleanup();
  }
});

test('.trashinfo paths are percent-encoded with / kept; dates are local time without a zone', () => {
  assert.equal(trashInfoPath('/runs/my run/epoch=1-step=20.ckpt'), '/runs/my%20run/epoch%3D1-step%3D20.ckpt');
  assert.equal(trashInfoPath('/a/ü(1)'), '/a/%C3%BC%281%29');
  assert.equal(trashInfoDate(new Date(2004, 0, 2, 3, 4, 5)), '2004-01-02T03:04:05');
});

// /dev/shm is a tmpfs on Linux: another file system than the temp folder's, as a data disk is.
const otherFs = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;

test('a file on another file system goes to the trash at the top of its mount, never across', { skip: otherFs ? false : 'no second file system here' }, async () => {
  const home = await scratch();
  const disk = await scratch('/dev/shm');
  try {
    const env = { XDG_DATA_HOME: join(home.dir, 'data') };
    const file = join(disk.dir, 'model_000100.pt');
    await writeFile(file, 'x');
    assert.equal(await mountPointOf(file), '/dev/shm');
    // The mount's top is pretended to be the scratch folder, so the test leaves /dev/shm as it was.
    const found: TrashLookup = await findTrash(file, { env, platform: 'linux', uid: 1234, topDirOf: async () => disk.dir });
    const trash = 'trash' in found ? found.trash : assert.fail(found.problem);
    assert.deepEqual(trash, { kind: 'topdir', dir: join(disk.dir, '.Trash-1234'), topDir: disk.dir });
    moveToTrash(file, trash, new Date(2024, 0, 1));
    assert.equal(await readFile(join(disk.dir, '.Trash-1234', 'files', 'model_000100.pt'), 'utf8'), 'x');
    // Relative to the top of the mount, as the spec has it for those trashes.
    assert.match(await readFile(join(disk.dir, '.Trash-1234', 'info', 'model_000100.pt.trashinfo'), 'utf8'), /^Path=model_000100\.pt$/m);
    assert.ok(!existsSync(join(home.dir, 'data', 'Trash')), 'nothing crossed to the home trash');
    // Where no trash can be made at the mount's top, it says so and moves nothing.
    await writeFile(join(disk.dir, 'other.pt'), 'y');
    await writeFile(join(disk.dir, '.Trash-99'), 'a file where the trash folder would be');
    const none = await findTrash(join(disk.dir, 'other.pt'), { env, platform: 'linux', uid: 99, topDirOf: async () => disk.dir });
    assert.ok('problem' in none && /no trash on its file system/.test(none.problem), JSON.stringify(none));
    assert.ok(existsSync(join(disk.dir, 'other.pt')));
  } finally {
    await home.cleanup();
    await disk.cleanup();
  }
});

test('Windows has no trash reachable from here: the caller must ask before deleting for good', async () => {
  assert.deepEqual(await findTrash(__filename, { platform: 'win32' }), { problem: 'the Recycle Bin cannot be reached from here' });
});
