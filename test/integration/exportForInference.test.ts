// *Export for Inference…* in the real VS Code, its questions answered by the test: the file it
// writes is checked by Debian's torch (weights_only=True, torch.equal against the source, or
// torch's own cast), a cancel leaves nothing behind (not even the temp file), a declined replace
// keeps the old file, and the source is never a target. Nothing here lists the tree: that is
// left to tree.test.ts (see lazyTree.test.ts), which also exports from a node and finds the file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExportResult } from '../../src/core/export/exportCheckpoint';
import { EXTENSION_ID, nanochatBaseDir, repoFixture, waitFor, workspaceDir } from './support/fixturePaths';

const PYTHON = '/usr/bin/python3';
const ANSWERS = 'checkpointManager._testing.exportAnswers';
const EXPORT = 'checkpointManager.exportForInference';

type Outcome = { outcome: string; result?: ExportResult; error?: string };

interface TorchCase {
  out: string;
  source: string;
  result: ExportResult;
  strip?: string[];
  dtype?: string;
}

/** Problems Debian's torch finds with each export (test/fixtures/export/check_export.py); [] when it loads exactly the source's tensors. */
function torchProblems(dir: string, cases: TorchCase[]): string[][] {
  const file = join(dir, 'cases.json');
  writeFileSync(
    file,
    JSON.stringify(
      cases.map((c) => ({ out: c.out, kind: c.result.kind, source: c.source, reference: 'torch', key: c.result.weightsKey, strip: c.strip ?? [], dtype: c.dtype ?? null, ties: c.result.ties, step: null, maxShard: null })),
    ),
  );
  const run = spawnSync(PYTHON, [repoFixture('export', 'check_export.py'), 'check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { results: Array<{ problems: string[] }> }).results.map((r) => r.problems);
}

async function exportWith(answers: Record<string, unknown>, arg?: unknown): Promise<{ asked: string[]; outcome: Outcome }> {
  const asked = await vscode.commands.executeCommand<string[]>(ANSWERS, answers);
  const outcome = (await vscode.commands.executeCommand<Outcome>(EXPORT, arg))!;
  return { asked, outcome };
}

describe('Export for Inference… in the extension', function () {
  this.timeout(120_000);
  let scratch: string;
  let plain: string;
  let nanochat: string;
  before(async () => {
    // The testing command is not contributed, so it does not activate the extension by itself.
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    scratch = mkdtempSync(join(tmpdir(), 'cpm-export-'));
    plain = join(scratch, 'best.pt');
    copyFileSync(join(workspaceDir(), 'checkpoints', 'best.pt'), plain);
    nanochat = join(scratch, 'model_000100.pt');
    copyFileSync(join(nanochatBaseDir(), 'mid_checkpoints', 'd4', 'model_000100.pt'), nanochat);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes bf16 safetensors beside the source that torch reads back as its own cast', async () => {
    const out = join(scratch, 'best-bf16.safetensors');
    const { asked, outcome } = await exportWith({ format: 'safetensors', dtype: 'bf16', target: out }, vscode.Uri.file(plain));
    assert.equal(outcome.outcome, 'written', outcome.error);
    // The plain loop's names carry no wrapper, so no strip question; the default target is beside the source.
    assert.deepEqual(asked.slice(0, 3), ['format', 'dtype', `target ${out}`]);
    assert.match(asked[3] ?? '', /^result Exported \d+ tensors to best-bf16\.safetensors: .+, \d+% of the .+ source, \d+ cast to bf16\.$/);
    const result = outcome.result!;
    assert.equal(result.weightsKey, 'model_state_dict');
    assert.ok(result.cast > 0);
    // A new target, with export.waitForDisk at its default: renamed into place as cp leaves a file.
    assert.deepEqual(result.files.map((f) => f.flushed), [false]);
    assert.deepEqual(torchProblems(scratch, [{ out, source: plain, result, dtype: 'bf16' }]), [[]]);
  });

  it('writes a weights-only .pt with torch.compile\'s prefix stripped, on request', async () => {
    const out = join(scratch, 'nanochat-weights.pt');
    const { asked, outcome } = await exportWith({ format: 'pt', strip: true, target: out }, vscode.Uri.file(nanochat));
    assert.equal(outcome.outcome, 'written', outcome.error);
    // A .pt beside a .pt source would be the source itself: the default name says what it is.
    assert.deepEqual(asked.slice(0, 4), ['format', 'dtype', 'strip _orig_mod.', `target ${join(scratch, 'model_000100-weights.pt')}`]);
    assert.deepEqual(torchProblems(scratch, [{ out, source: nanochat, result: outcome.result!, strip: ['_orig_mod.'] }]), [[]]);
  });

  it('never offers the source as its target, and refuses it when chosen', async () => {
    const before = readFileSync(nanochat);
    const { outcome } = await exportWith({ format: 'pt', strip: false, target: nanochat, replace: true }, vscode.Uri.file(nanochat));
    assert.equal(outcome.outcome, 'failed');
    assert.deepEqual(readFileSync(nanochat), before);
  });

  it('keeps the old file when the replace is declined, and replaces it when confirmed', async () => {
    const out = join(scratch, 'taken.safetensors');
    writeFileSync(out, 'an older export');
    const declined = await exportWith({ format: 'safetensors', target: out, replace: false }, vscode.Uri.file(plain));
    assert.equal(declined.outcome.outcome, 'declined');
    assert.ok(declined.asked.includes(`replace ${out}`), 'the replace was asked');
    assert.equal(readFileSync(out, 'utf8'), 'an older export');

    const confirmed = await exportWith({ format: 'safetensors', target: out, replace: true }, vscode.Uri.file(plain));
    assert.equal(confirmed.outcome.outcome, 'written', confirmed.outcome.error);
    assert.deepEqual(confirmed.outcome.result!.files.map((f) => f.flushed), [true], 'a replaced file is on the disk before the rename');
    assert.deepEqual(torchProblems(scratch, [{ out, source: plain, result: confirmed.outcome.result! }]), [[]]);
  });

  it('flushes a new target to the disk before its rename when export.waitForDisk is on', async () => {
    const config = vscode.workspace.getConfiguration('checkpointManager');
    await config.update('export.waitForDisk', true, vscode.ConfigurationTarget.Global);
    try {
      const out = join(scratch, 'on-disk.safetensors');
      const { outcome } = await exportWith({ format: 'safetensors', target: out }, vscode.Uri.file(plain));
      assert.equal(outcome.outcome, 'written', outcome.error);
      assert.deepEqual(outcome.result!.files.map((f) => f.flushed), [true]);
    } finally {
      await config.update('export.waitForDisk', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('leaves no file, not even a temp file, when cancelled part way', async () => {
    const dir = mkdtempSync(join(scratch, 'cancel-'));
    const big = join(dir, 'big.pt');
    // 64 tensors of 1 MiB: the cancel at the first progress report lands long before the last.
    const made = spawnSync(PYTHON, ['-c', `import torch; torch.save({f"w{i}": torch.randn(262144) for i in range(64)}, ${JSON.stringify(big)})`], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    for (const format of ['safetensors', 'pt', 'safetensors-folder']) {
      const { asked, outcome } = await exportWith({ format, target: join(dir, `out-${format}`) + (format === 'pt' ? '.pt' : format === 'safetensors' ? '.safetensors' : ''), cancel: true }, vscode.Uri.file(big));
      assert.ok(asked.includes('cancel'), `${format}: the cancel was pressed`);
      assert.equal(outcome.outcome, 'cancelled', `${format}: ${JSON.stringify(outcome)}`);
      assert.deepEqual(readdirSync(dir), ['big.pt'], `${format}: nothing but the source is left`);
    }
  });

  it('checks a big source\'s records in a kernel worker beside the copy: a sound one loads in torch, a damaged one stops the export', async () => {
    const dir = mkdtempSync(join(scratch, 'checked-'));
    const big = join(dir, 'big.pt');
    const damaged = join(dir, 'damaged.pt');
    // 48 tensors of 1 MiB, more than the 32 MiB an export checks on its own thread; then one byte
    // of the copy's record data/40 is flipped.
    const script = [
      'import shutil, struct, sys, torch, zipfile',
      'big, damaged = sys.argv[1:3]',
      'torch.save({f"w{i}": torch.randn(262144) for i in range(48)}, big)',
      'shutil.copy(big, damaged)',
      'info = next(i for i in zipfile.ZipFile(damaged).infolist() if i.filename.endswith("/data/40"))',
      'with open(damaged, "r+b") as f:',
      '    f.seek(info.header_offset + 26); n, m = struct.unpack("<HH", f.read(4))',
      '    at = info.header_offset + 30 + n + m + 1000; f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ 0xff]))',
    ].join('\n');
    const made = spawnSync(PYTHON, ['-c', script, big, damaged], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const out = join(dir, 'sound.pt');
    const sound = await exportWith({ format: 'pt', target: out }, vscode.Uri.file(big));
    assert.equal(sound.outcome.outcome, 'written', sound.outcome.error);
    assert.deepEqual(torchProblems(dir, [{ out, source: big, result: sound.outcome.result! }]), [[]]);
    const bad = await exportWith({ format: 'pt', target: join(dir, 'from-damaged.pt') }, vscode.Uri.file(damaged));
    assert.equal(bad.outcome.outcome, 'failed');
    assert.match(bad.outcome.error ?? '', /tensor "w40" \(record "big\/data\/40"\) fail their CRC-32 check/);
    assert.deepEqual(readdirSync(dir).filter((n) => n !== 'cases.json').sort(), ['big.pt', 'damaged.pt', 'sound.pt']);
  });

  it('exports the file of the active inspector from the editor title, and copies its load code', async () => {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(plain), 'checkpointManager.inspector');
    const code = await waitFor('the inspector to show its report', async () => vscode.commands.executeCommand<string | undefined>('checkpointManager.copyLoadCode'), 30_000, 200);
    assert.match(code, /state_dict = ckpt\["model_state_dict"\]/);
    assert.match(code, /weights_only=True/);
    assert.equal(await vscode.env.clipboard.readText(), code);
    const resume = (await vscode.commands.executeCommand<string>('checkpointManager.copyResumeCode'))!;
    assert.match(resume, /optimizer\.load_state_dict\(ckpt\["optimizer_state_dict"\]\)/);

    const out = join(scratch, 'from-title.pt');
    const { asked, outcome } = await exportWith({ format: 'pt', target: out });
    assert.equal(outcome.outcome, 'written', outcome.error);
    assert.equal(asked[2], `target ${join(scratch, 'best-weights.pt')}`);
    assert.deepEqual(torchProblems(scratch, [{ out, source: plain, result: outcome.result! }]), [[]]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
