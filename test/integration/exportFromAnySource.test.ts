// *Export for Inference…* from sources that are not one local file: a checkpoint at a URL (the
// inspector's *Open Checkpoint from URL…*, served by nginx and read by range requests) and a
// Hugging Face sharded set (its index), merged into one file. Debian's torch checks each output
// against the same state dict saved whole.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExportResult } from '../../src/core/export/exportCheckpoint';
import { startNginx } from '../unit/support/nginxServer';
import type { NginxServer } from '../unit/support/nginxServer';
import { EXTENSION_ID, repoFixture } from './support/fixturePaths';

type Outcome = { outcome: string; result?: ExportResult; error?: string };

function torchProblems(dir: string, out: string, result: ExportResult, source: string, sourceName?: string): string[] {
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify([{ out, kind: result.kind, source, sourceName, reference: 'torch', key: result.weightsKey, strip: [], dtype: null, ties: result.ties, step: null, maxShard: null }]));
  const run = spawnSync('/usr/bin/python3', [repoFixture('export', 'check_export.py'), 'check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { results: Array<{ problems: string[] }> }).results[0]!.problems;
}

async function exportWith(answers: Record<string, unknown>, arg: vscode.Uri): Promise<{ asked: string[]; outcome: Outcome }> {
  const asked = (await vscode.commands.executeCommand<string[]>('checkpointManager._testing.exportAnswers', answers))!;
  const outcome = (await vscode.commands.executeCommand<Outcome>('checkpointManager.exportForInference', arg))!;
  return { asked, outcome };
}

describe('Export for Inference… from a URL and from a sharded set', function () {
  this.timeout(120_000);
  let server: NginxServer;
  let scratch: string;
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    scratch = mkdtempSync(join(tmpdir(), 'cpm-export-any-'));
    server = await startNginx(repoFixture('sharded'));
  });
  after(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('exports a checkpoint at a URL, its bytes read by range requests', async () => {
    const url = `${server.origin}/merged.pt`;
    const out = join(scratch, 'from-url.safetensors');
    const { asked, outcome } = await exportWith({ format: 'safetensors', dtype: null, target: out }, vscode.Uri.parse(url));
    assert.equal(outcome.outcome, 'written', outcome.error);
    // The default target is named for the URL's file, in a folder on this machine.
    assert.match(asked.find((a) => a.startsWith('target ')) ?? '', /^target \/.+\/merged\.safetensors$/);
    assert.deepEqual(torchProblems(scratch, out, outcome.result!, repoFixture('sharded', 'merged.pt')), []);
    const used = server.requests().filter((r) => r.uri === '/merged.pt');
    assert.ok(used.length > 0 && used.every((r) => r.status === 206), JSON.stringify(used));
  });

  it('merges a sharded set (its index) into one .pt that torch loads with weights_only=True', async () => {
    const index = repoFixture('sharded', 'hf_safetensors', 'model.safetensors.index.json');
    const out = join(scratch, 'merged-from-shards.pt');
    const { asked, outcome } = await exportWith({ format: 'pt', dtype: null, target: out }, vscode.Uri.file(index));
    assert.equal(outcome.outcome, 'written', outcome.error);
    assert.ok(asked.includes(`target ${repoFixture('sharded', 'hf_safetensors', 'model-merged.pt')}`), JSON.stringify(asked));
    assert.equal(outcome.result!.tensors, 15);
    assert.deepEqual(torchProblems(scratch, out, outcome.result!, repoFixture('sharded', 'merged.pt')), []);
  });
});
