// The load and resume code for a sharded set and for a checkpoint at a URL: the set's shards
// loaded in turn into one state dict (run with Debian's torch on the .bin set, and on the
// safetensors set through a stand-in `safetensors.torch.load_file`, and compared with merged.pt),
// the Hub's own download for a `resolve/` URL, urllib for any other (run against nginx, offline).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hubFile } from '../../src/core/code/downloadCode';
import { loadCode, resumeCode } from '../../src/core/code/loadCode';
import type { InspectReport } from '../../src/core/inspect/report';
import { CheckpointSession } from '../../src/core/session/checkpointSession';
import { specOf } from '../../src/core/io/sourceSpec';
import { startNginx } from './support/nginxServer';
import { MODEL_STUB } from './support/modelStub';
import type { NginxServer } from './support/nginxServer';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const PYTHON = '/usr/bin/python3';
let scratch: string;
let server: NginxServer;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cm-remote-code-'));
  // A stand-in for the safetensors package (not installed here): load_file over the tests' own reader.
  mkdirSync(join(scratch, 'py', 'safetensors'), { recursive: true });
  writeFileSync(join(scratch, 'py', 'safetensors', '__init__.py'), '');
  writeFileSync(join(scratch, 'py', 'safetensors', 'torch.py'), 'from safetensors_io import read_safetensors\ndef load_file(path, device="cpu"):\n    return read_safetensors(path)[0]\n');
  server = await startNginx(fixtures);
});
after(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function reportOf(source: string): Promise<InspectReport> {
  const session = await CheckpointSession.open(specOf(source));
  try {
    return session.summary();
  } finally {
    await session.close();
  }
}

/** Runs `code` with a `model` that keeps its state dict, in `cwd`; compares it with `reference` (torch.load of a trusted file). */
function runAgainst(code: string, reference: string, cwd: string): { tensors: number; problems: string[] } {
  const driver = `
${MODEL_STUB}${code}
want = torch.load(${JSON.stringify(reference)}, weights_only=False)
problems = [k for k in want if k not in model.sd or not torch.equal(model.sd[k], want[k]) or model.sd[k].dtype != want[k].dtype]
problems += [k for k in model.sd if k not in want]
print(json.dumps({"tensors": len(model.sd), "problems": problems}))
`;
  const env = { ...process.env, PYTHONPATH: `${join(scratch, 'py')}:${fixtures}` };
  const run = spawnSync(PYTHON, ['-c', driver], { encoding: 'utf8', cwd, env });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { tensors: number; problems: string[] };
}

const SETS = [
  { set: 'hf_bin', index: 'pytorch_model.bin.index.json', loader: /torch\.load\(os\.path\.join\(folder, shard\), weights_only=True\)/ },
  { set: 'hf_safetensors', index: 'model.safetensors.index.json', loader: /load_file\(os\.path\.join\(folder, shard\), device="cpu"\)/ },
];

for (const { set, index, loader } of SETS) {
  test(`${set}: the load code merges every shard the index names, and gets exactly merged.pt's tensors`, async () => {
    const dir = join(fixtures, 'sharded', set);
    const path = join(dir, index);
    const report = await reportOf(path);
    const load = loadCode(report, path);
    assert.match(load, new RegExp(`folder = ${JSON.stringify(dir).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(load, loader);
    assert.doesNotMatch(load, /torch\.load\(path/, 'the index itself is not a checkpoint');
    const out = runAgainst(load, join(fixtures, 'sharded', 'merged.pt'), scratch);
    assert.equal(out.tensors, report.tensors.length);
    assert.deepEqual(out.problems, []);
    // The folder given instead of its index: the same code.
    assert.equal(loadCode(report, dir), load);
    const resume = resumeCode(report, path);
    assert.match(resume, /holds weights only: no optimizer/);
    assert.deepEqual(runAgainst(resume, join(fixtures, 'sharded', 'merged.pt'), scratch).problems, []);
  });
}

test('a URL on any server: urllib downloads the file, then torch.load(weights_only=True) loads it (run against nginx)', async () => {
  const url = `${server.origin}/compare/layouts/wrapped.pt`;
  const report = await reportOf(url);
  const load = loadCode(report, url);
  assert.match(load, /urllib\.request\.urlretrieve\(url, path\)/);
  assert.match(load, /path = "wrapped\.pt"/);
  const cwd = mkdtempSync(join(scratch, 'dl-'));
  const reference = join(fixtures, 'compare', 'layouts', 'wrapped.pt');
  const driver = load.replace('model.load_state_dict(state_dict)', 'model.load_state_dict(state_dict)\nimport os\nassert os.path.exists(os.path.join(os.getcwd(), "wrapped.pt"))');
  const check = runAgainst(driver, reference, cwd);
  // The reference is the whole file; the code loads its model_state_dict.
  assert.ok(check.tensors > 0);
  assert.ok(server.requests().some((r) => r.uri === '/compare/layouts/wrapped.pt' && r.range === '' && r.status === 200), 'the code downloaded the file whole');
});

test('a sharded set at a URL: the index and each shard downloaded into a folder, then merged (run against nginx)', async () => {
  const url = `${server.origin}/sharded/hf_bin/pytorch_model.bin.index.json`;
  const report = await reportOf(url);
  const load = loadCode(report, url);
  assert.match(load, /for name in \["pytorch_model\.bin\.index\.json", "pytorch_model-00001-of-00002\.bin", "pytorch_model-00002-of-00002\.bin"\]:/);
  const cwd = mkdtempSync(join(scratch, 'dl-'));
  const out = runAgainst(load, join(fixtures, 'sharded', 'merged.pt'), cwd);
  assert.equal(out.tensors, report.tensors.length);
  assert.deepEqual(out.problems, []);
});

test('a Hugging Face resolve/ URL: hf_hub_download for a file, snapshot_download of the index and its shards for a set', () => {
  assert.deepEqual(hubFile('https://huggingface.co/openai-community/gpt2/resolve/main/model.safetensors'), { repoId: 'openai-community/gpt2', revision: 'main', filename: 'model.safetensors' });
  assert.deepEqual(hubFile('https://huggingface.co/datasets/o/n/resolve/v1.0/sub/dir/x.pt?download=true'), { repoId: 'o/n', repoType: 'dataset', revision: 'v1.0', filename: 'sub/dir/x.pt' });
  assert.equal(hubFile('https://huggingface.co/o/n/blob/main/x.pt'), undefined);
  assert.equal(hubFile('https://example.com/o/n/resolve/main/x.pt'), undefined);
});

test('the code for a Hub URL calls the Hub client with the repo, revision and file, and is valid Python', async () => {
  // The report of a local file stands for the remote one: the code depends on the URL's shape.
  const single = await reportOf(join(fixtures, 'compare', 'layouts', 'wrapped.pt'));
  const url = 'https://huggingface.co/me/run/resolve/abc123/ckpt/wrapped.pt';
  const load = loadCode(single, url);
  assert.ok(load.includes('path = hf_hub_download(repo_id="me/run", revision="abc123", filename="ckpt/wrapped.pt")'), load);
  assert.ok(load.includes('ckpt = torch.load(path, weights_only=True)'));
  const sharded = await reportOf(join(fixtures, 'sharded', 'hf_safetensors', 'model.safetensors.index.json'));
  const setCode = loadCode(sharded, 'https://huggingface.co/me/model/resolve/main/model.safetensors.index.json');
  assert.ok(setCode.includes('folder = snapshot_download(repo_id="me/model", revision="main", allow_patterns=["model.safetensors.index.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"])'), setCode);
  const run = spawnSync(PYTHON, ['-c', 'import ast, json, sys\nfor s in json.load(sys.stdin): ast.parse(s)\nprint("ok")'], { input: JSON.stringify([load, setCode, resumeCode(single, url), resumeCode(sharded, url)]), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});
