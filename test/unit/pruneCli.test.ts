// `node dist/cli.js prune`, run as a user runs it, on copies of the torch-written fixtures: the
// disk afterwards holds every protected checkpoint, and the trash holds exactly the plan's deletions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { copyFixtures } from './support/fixtureCopy';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface PruneJson {
  dry_run: boolean;
  carried_out: boolean;
  keep: Array<{ run: string; checkpoint: string; files: string[]; reason: string; bytes: number }>;
  delete: Array<{ run: string; checkpoint: string; files: string[]; reason: string; bytes: number; outcome?: string; trashed_to?: string[] }>;
  reclaim_bytes: number;
  runs: Array<{ run: string; status: string; status_text: string; metric?: string }>;
}

function prune(dataHome: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, 'prune', ...args], { encoding: 'utf8', env: { ...process.env, XDG_DATA_HOME: dataHome } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

function withCopies(names: string[], body: (root: string, dataHome: string) => void): void {
  const { root, cleanup } = copyFixtures(...names);
  const dataHome = mkdtempSync(join(tmpdir(), 'prune-cli-data-'));
  try {
    body(root, dataHome);
  } finally {
    cleanup();
    rmSync(dataHome, { recursive: true, force: true });
  }
}

test('prune --keep-last 1 --yes on the nanochat home: older steps go to the trash whole, the newest and the best stay', () => {
  withCopies(['nanochat'], (root, dataHome) => {
    const home = join(root, 'nanochat');
    const before = filesUnder(home);
    const r = prune(dataHome, home, '--keep-last', '1', '--yes', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PruneJson;
    assert.equal(out.carried_out, true);
    assert.deepEqual(
      out.delete.map((d) => [d.run, d.checkpoint, d.reason, d.outcome]),
      [
        ['base/d2', 'step 000100', 'deleted: not in latest 1', 'trashed'],
        ['base/d4', 'step 000100', 'deleted: not in latest 1', 'trashed'],
        ['mid/d4', 'step 000050', 'deleted: not in latest 1', 'trashed'],
        ['sft/d4', 'step 000025', 'deleted: not in latest 1', 'trashed'],
        ['rl/d4', 'step 000010', 'deleted: not in latest 1', 'trashed'],
      ],
    );
    assert.equal(out.keep.find((k) => k.run === 'base/d4' && k.checkpoint === 'step 000200')?.reason, 'kept: best val_bpb');
    const gone = out.delete.flatMap((d) => d.files.map((f) => relative(home, f)));
    // Every file of each deleted step (model, meta, both optimizer ranks) and nothing else.
    assert.deepEqual(filesUnder(home), before.filter((f) => !gone.includes(f)));
    assert.ok(gone.includes('base_checkpoints/d4/optim_000100_rank1.pt'));
    assert.deepEqual(filesUnder(home).filter((f) => f.startsWith('base_checkpoints/d4/')), [
      'base_checkpoints/d4/meta_000200.json',
      'base_checkpoints/d4/meta_000300.json',
      'base_checkpoints/d4/model_000200.pt',
      'base_checkpoints/d4/model_000300.pt',
      'base_checkpoints/d4/optim_000200_rank0.pt',
      'base_checkpoints/d4/optim_000200_rank1.pt',
      'base_checkpoints/d4/optim_000300_rank0.pt',
      'base_checkpoints/d4/optim_000300_rank1.pt',
    ]);
    // The trash holds them, each with a .trashinfo naming where it was.
    const trash = join(dataHome, 'Trash');
    const trashed = filesUnder(join(trash, 'files'));
    assert.equal(trashed.length, gone.length);
    const info = readFileSync(join(trash, 'info', 'optim_000100_rank1.pt.trashinfo'), 'utf8');
    assert.match(info, /^\[Trash Info\]\nPath=\/.*\/optim_000100_rank1\.pt\nDeletionDate=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\n$/);
    const bytes = trashed.reduce((sum, f) => sum + statSync(join(trash, 'files', f)).size, 0);
    assert.equal(out.reclaim_bytes, bytes);
  });
});

test('without --yes nothing is deleted, and --dry-run plans the same without asking', () => {
  withCopies(['retention'], (root, dataHome) => {
    const dir = join(root, 'retention');
    const before = filesUnder(dir);
    const refused = prune(dataHome, dir, '--keep-last', '1');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /nothing deleted\. Run again with --yes to move these 6 checkpoints to the trash/);
    assert.match(refused.stdout, /^ {2}delete {2}checkpoint-100 +\d/m);
    const dry = prune(dataHome, dir, '--keep-last', '1', '--dry-run', '--json');
    assert.equal(dry.status, 0, dry.stderr);
    const out = JSON.parse(dry.stdout) as PruneJson;
    assert.deepEqual([out.dry_run, out.carried_out], [true, false]);
    assert.deepEqual(out.delete.map((d) => `${d.run} ${d.checkpoint}`), [
      'hf checkpoint-100',
      'hf checkpoint-300',
      'lightning/checkpoints epoch=0-step=10.ckpt',
      'lightning/checkpoints epoch=2-step=30.ckpt',
      'plain/checkpoints epoch_1.pt',
      'plain/checkpoints epoch_3.pt',
    ]);
    assert.deepEqual(out.delete[0]!.files, [join(dir, 'hf', 'checkpoint-100') + '/']);
    assert.deepEqual(out.runs.map((r) => [r.run, r.status_text]), [
      ['hf', 'stopped early at step 400 of 1000'],
      ['lightning/checkpoints', 'stopped early after 4 of 6 epochs'],
      ['plain/checkpoints', 'no planned length recorded'],
    ]);
    assert.deepEqual(filesUnder(dir), before);
    assert.ok(!existsSync(join(dataHome, 'Trash')));
  });
});

test('prune --yes on the retention runs: checkpoint-N folders go whole, every protected file stays', () => {
  withCopies(['retention'], (root, dataHome) => {
    const dir = join(root, 'retention');
    const r = prune(dataHome, dir, '--keep-last', '1', '--keep-best', '1', '--yes', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PruneJson;
    const files = filesUnder(dir);
    for (const kept of out.keep) for (const f of kept.files) assert.ok(existsSync(f), `kept ${f} is missing`);
    assert.deepEqual(files.filter((f) => f.startsWith('hf/')).map((f) => f.split('/')[1]).filter((v, i, a) => a.indexOf(v) === i), ['checkpoint-200', 'checkpoint-400']);
    assert.deepEqual(filesUnder(join(dir, 'lightning')), ['checkpoints/epoch=1-step=20.ckpt', 'checkpoints/epoch=3-step=40.ckpt', 'checkpoints/last.ckpt']);
    assert.deepEqual(filesUnder(join(dir, 'plain')), ['checkpoints/best.pt', 'checkpoints/epoch_2.pt', 'checkpoints/epoch_4.pt', 'checkpoints/last.pt']);
    // DeepSpeed's subfolder went with its checkpoint, into the trash.
    assert.ok(existsSync(join(dataHome, 'Trash', 'files', 'checkpoint-300', 'global_step300', 'mp_rank_00_model_states.pt')));
    assert.equal(out.reclaim_bytes, filesUnder(join(dataHome, 'Trash', 'files')).reduce((s, f) => s + statSync(join(dataHome, 'Trash', 'files', f)).size, 0));
  });
});

test('--delete names a protected checkpoint to delete anyway; a name that matches nothing deletes nothing', () => {
  withCopies(['retention'], (root, dataHome) => {
    const dir = join(root, 'retention', 'plain');
    const unknown = prune(dataHome, dir, '--keep-last', '2', '--delete', join(dir, 'checkpoints', 'nope.pt'), '--yes');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--delete .*nope\.pt: no such checkpoint\nprune: nothing deleted\./);
    assert.equal(filesUnder(dir).length, 6);
    const r = prune(dataHome, dir, '--delete', join(dir, 'checkpoints', 'best.pt'), '--yes', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as PruneJson;
    assert.deepEqual(out.delete.map((d) => [d.checkpoint, d.reason]), [['best.pt', 'deleted: named for deletion, overriding: named "best.pt"']]);
    assert.deepEqual(filesUnder(dir), ['checkpoints/epoch_1.pt', 'checkpoints/epoch_2.pt', 'checkpoints/epoch_3.pt', 'checkpoints/epoch_4.pt', 'checkpoints/last.pt']);
  });
});

test('--permanent deletes for good, without a trash; bad arguments exit 2 and a missing folder 1', () => {
  withCopies(['retention'], (root, dataHome) => {
    const dir = join(root, 'retention', 'lightning');
    const r = prune(dataHome, dir, '--keep-last', '1', '--yes', '--permanent');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Deleted 2 checkpoints for good \([\d.]+ KiB freed\)\.$/m);
    assert.deepEqual(filesUnder(dir), ['checkpoints/epoch=1-step=20.ckpt', 'checkpoints/epoch=3-step=40.ckpt', 'checkpoints/last.ckpt']);
    assert.ok(!existsSync(join(dataHome, 'Trash')));
    assert.equal(prune(dataHome, dir).status, 2, 'no rule');
    assert.equal(prune(dataHome, dir, '--keep-last', 'x').status, 2);
    assert.equal(prune(dataHome, dir, '--keep-best', '1', '--mode', 'lowest').status, 2);
    assert.equal(prune(dataHome, dir, '--bogus').status, 2);
    const missing = prune(dataHome, join(root, 'no-such-folder'), '--keep-last', '1');
    assert.deepEqual([missing.status, missing.stderr], [1, `prune: ${join(root, 'no-such-folder')}: no such folder\n`]);
  });
});
