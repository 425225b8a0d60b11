// `node dist/cli.js scan <file|dir> [--json]`, run as a user runs it. Exit codes follow
// picklescan: 0 nothing dangerous, 1 a dangerous file found, 2 an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixtures = join(root, 'test', 'fixtures');

function scan(...args: string[]): { code: number | null; out: string; err: string } {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
  const r = spawnSync(process.execPath, [cli, 'scan', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface ScanJson {
  files: Array<{ path: string; verdict: string; dangerous: string[]; calls?: string[]; error?: { code: string } }>;
  scanned: number;
  dangerous: number;
  suspicious: number;
  errors: number;
}

test('a folder of clean checkpoints: exit 0, one line per file, and the counts', () => {
  const r = scan(join(fixtures, 'workspace'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^safe {7}.*checkpoints\/best\.pt$/m);
  assert.match(r.out, /scanned 10 files: 0 dangerous, 0 suspicious, 0 unreadable\n$/);
});

test('a dangerous file: exit 1, naming the global and the call it would make', () => {
  const r = scan(join(fixtures, 'hostile', 'os_system.pt'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^dangerous {2}.*os_system\.pt: posix\.system$/m);
  assert.match(r.out, /would run posix\.system\('touch \/tmp\/checkpoint-manager-pwned'\)/);
});

test('--json lists every file with its verdict, globals and calls; a folder with one hostile file exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-cli-'));
  try {
    copyFileSync(join(fixtures, 'workspace', 'checkpoints', 'best.pt'), join(dir, 'best.pt'));
    copyFileSync(join(fixtures, 'tricks', 'memo_mixed_p4.pkl'), join(dir, 'memo.pkl'));
    copyFileSync(join(fixtures, 'hostile', 'main_class.pt'), join(dir, 'notes.pt'));
    writeFileSync(join(dir, 'README.md'), 'not scanned: not a checkpoint name');
    const r = scan(dir, '--json');
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out) as ScanJson;
    assert.deepEqual(
      json.files.map((f) => [f.path.slice(dir.length + 1), f.verdict, f.dangerous]),
      [['best.pt', 'safe', []], ['memo.pkl', 'dangerous', ['posix.system']], ['notes.pt', 'suspicious', []]],
    );
    assert.deepEqual(json.files[1].calls, ["posix.system('touch /tmp/checkpoint-manager-pwned')"]);
    assert.deepEqual({ scanned: json.scanned, dangerous: json.dangerous, suspicious: json.suspicious, errors: json.errors }, { scanned: 3, dangerous: 1, suspicious: 1, errors: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable file, a missing path or bad arguments: exit 2', () => {
  const broken = scan(join(fixtures, 'broken', 'truncated.pt'), '--json');
  assert.equal(broken.code, 2);
  assert.equal((JSON.parse(broken.out) as ScanJson).files[0].error?.code, 'truncated');
  assert.equal(scan(join(fixtures, 'no-such-file.pt')).code, 2);
  assert.equal(scan().code, 2);
  assert.equal(scan('a', 'b').code, 2);
});

test('a broken file whose pickle named a dangerous global before failing is dangerous: exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-cli-'));
  try {
    // posix.system('echo') called, then a byte that is no opcode.
    writeFileSync(join(dir, 'broken.pkl'), Buffer.from([0x80, 0x02, ...Buffer.from('cposix\nsystem\nX'), 4, 0, 0, 0, ...Buffer.from('echo'), 0x85, 0x52, 0xff, 0x2e]));
    const r = scan(join(dir, 'broken.pkl'));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^error {6}.*broken\.pkl: posix\.system\n.*before that, its pickles made it dangerous/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
