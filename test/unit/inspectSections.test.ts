// What the inspector's sections are built from, on files real PyTorch (or pickle) wrote: optimizer
// settings, nested values, the architecture, Lightning's ModelCheckpoint, saved devices, plain
// pickles. Values come from test/fixtures/expected.json (what torch or pickle read back) or the
// sidecar files themselves.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../src/core/errors';
import { inspectFile } from '../../src/core/session/inspectFile';
import type { ValueNode } from '../../src/core/inspect/report';
import type { JsonValue } from '../../src/core/json';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const fixture = (p: string): string => join(fixtures, p);
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as { files: Record<string, Record<string, unknown>> };

const child = (nodes: readonly ValueNode[] | undefined, key: string): ValueNode | undefined => nodes?.find((n) => n.key === key);

test("nanochat's optimizer file, a list of two optimizer state dicts, gets a key per optimizer and their settings", async () => {
  const r = await inspectFile(fixture('nanochat/base_checkpoints/d4/optim_000200_rank0.pt'));
  assert.deepEqual(r.keys.map((k) => [k.key, k.type]), [['0', 'dict[2]'], ['1', 'dict[2]']]);
  // build_nanochat.py saves [AdamW(...).state_dict(), SGD(momentum, nesterov).state_dict()].
  assert.deepEqual(r.optimizers?.map((o) => [o.path, o.kind]), [['0', 'Adam/AdamW'], ['1', 'SGD']]);
  const [adamw] = r.optimizers ?? [];
  assert.deepEqual(adamw.groups[0].settings.betas, [0.8, 0.95]);
  assert.equal(adamw.groups[0].settings.lr, 4e-3);
});

test('nanoGPT: model_args is the architecture, config the training config, and the optimizer has two groups', async () => {
  const r = await inspectFile(fixture('workspace/out/ckpt.pt'));
  assert.deepEqual(r.architecture, expected.files['workspace/out/ckpt.pt'].modelArgs);
  assert.equal(r.config?.learning_rate, 6e-4);
  assert.deepEqual(r.optimizers?.map((o) => [o.path, o.kind, o.groups.map((g) => g.settings.weight_decay)]), [['optimizer', 'Adam/AdamW', [0.1, 0]]]);
});

test('nested values open level by level: config, scheduler state and optimizer param groups', async () => {
  const r = await inspectFile(fixture('workspace/checkpoints/best.pt'));
  const scheduler = r.keys.find((k) => k.key === 'scheduler_state_dict');
  // StepLR(step_size=1, gamma=0.5), stepped once per epoch; best.pt is epoch 1.
  assert.deepEqual(
    scheduler?.children?.map((n) => [n.key, n.value]),
    [['step_size', '1'], ['gamma', '0.5'], ['base_lrs', '[0.01]'], ['last_epoch', '1'], ['verbose', 'False'], ['_step_count', '2'], ['_get_lr_called_within_step', 'False'], ['_last_lr', '[0.005]']],
  );
  const config = r.keys.find((k) => k.key === 'config');
  assert.equal(child(config?.children, 'betas')?.value, '(0.9, 0.999)');
  const optimizer = r.keys.find((k) => k.key === 'optimizer_state_dict');
  // `state` holds only tensors: it is counted, not opened (its tensors are in the tensor table).
  assert.deepEqual(child(optimizer?.children, 'state'), { key: 'state', type: 'dict[4]', tensors: 12 });
  const group = child(child(optimizer?.children, 'param_groups')?.children, '0');
  // StepLR halved the group's lr after epoch 1.
  assert.equal(child(group?.children, 'lr')?.value, '0.005');
});

test("nanochat's sidecar opens too: user_config and loop_state as meta_<step>.json holds them", async () => {
  const r = await inspectFile(fixture('nanochat/base_checkpoints/d2/model_000200.pt'));
  const meta = JSON.parse(readFileSync(fixture('nanochat/base_checkpoints/d2/meta_000200.json'), 'utf8')) as Record<string, Record<string, JsonValue>>;
  assert.equal(r.sidecar?.file, 'meta_000200.json');
  const text = (v: JsonValue): string => (typeof v === 'string' ? `'${v}'` : String(v));
  for (const key of ['user_config', 'loop_state']) {
    const node = child(r.sidecar?.values, key);
    assert.deepEqual(node?.children?.map((n) => [n.key, n.value]), Object.entries(meta[key]).map(([k, v]) => [k, text(v)]), key);
  }
  assert.deepEqual(r.architecture, meta.model_config);
  assert.deepEqual(r.config, meta.user_config);
});

test("Lightning: ModelCheckpoint's scores are metrics, its state is listed, and callback keys read as labels", async () => {
  const name = 'workspace/lightning/epoch=1-step=20.ckpt';
  const r = await inspectFile(fixture(name));
  const [want] = expected.files[name].modelCheckpoints as Array<{ currentScore: number; bestModelScore: number; key: string }>;
  assert.deepEqual(r.metrics, { val_loss: want.currentScore, best_val_loss: want.bestModelScore });
  assert.deepEqual(r.modelCheckpoints?.map((m) => [m.label, m.monitor, m.mode]), [['ModelCheckpoint(monitor=val_loss)', 'val_loss', 'min']]);
  const labelled = r.tensors.filter((t) => t.path.startsWith('callbacks.')).map((t) => [t.path.startsWith(`callbacks.${want.key}.`) || t.path.startsWith('callbacks.EarlyStopping{'), t.label]);
  assert.deepEqual(labelled, [
    [true, 'callbacks.ModelCheckpoint(monitor=val_loss).best_model_score'],
    [true, 'callbacks.ModelCheckpoint(monitor=val_loss).current_score'],
    [true, 'callbacks.ModelCheckpoint(monitor=val_loss).best_k_models./runs/lightning_logs/version_0/checkpoints/epoch=1-step=20.ckpt'],
    [true, 'callbacks.ModelCheckpoint(monitor=val_loss).kth_value'],
    [true, 'callbacks.EarlyStopping(monitor=val_loss).best_score'],
  ]);
  const callbacks = r.keys.find((k) => k.key === 'callbacks');
  assert.deepEqual(callbacks?.children?.map((n) => [n.key, n.fullKey]), [
    ['ModelCheckpoint(monitor=val_loss)', want.key],
    ['EarlyStopping(monitor=val_loss)', "EarlyStopping{'monitor': 'val_loss', 'mode': 'min'}"],
  ]);
  assert.equal(r.tensors.filter((t) => !t.path.startsWith('callbacks.')).every((t) => t.label === undefined), true);
});

for (const name of ['formats/saved_on_cuda.pt', 'formats/saved_on_cuda_legacy.pt', 'formats/saved_on_mps.pt']) {
  test(`${name}: each tensor keeps its saved device, and the header says map_location is needed`, async () => {
    const want = expected.files[name] as { devices: Record<string, string>; loadError: string | null };
    // torch itself refuses this file without map_location on this machine.
    assert.ok(want.loadError, 'torch.load without map_location failed when the fixture was made');
    const r = await inspectFile(fixture(name));
    const device = Object.values(want.devices)[0];
    assert.ok(r.notes.includes(`Saved on ${device}: on a machine without it, torch.load needs map_location='cpu' (or another device).`), r.notes.join('\n'));
  });
}

test('a checkpoint saved from the CPU needs no map_location note', async () => {
  const r = await inspectFile(fixture('workspace/out/ckpt.pt'));
  assert.equal(r.notes.some((n) => n.includes('map_location')), false);
});

test("nanochat's tokenizer.pkl opens as a plain pickle: its object's attributes, read without running it", async () => {
  const name = 'nanochat/tokenizer/tokenizer.pkl';
  const want = expected.files[name] as { object: { class: string; attributes: string[]; name: string; mergeable_ranks: number; special_tokens: Record<string, number> } };
  const r = await inspectFile(fixture(name));
  assert.equal(r.format, 'pickle');
  assert.deepEqual(r.security, { verdict: 'suspicious', globals: [want.object.class], dangerous: [], suspicious: [want.object.class] });
  assert.deepEqual(r.keys.map((k) => k.key), want.object.attributes);
  assert.equal(r.keys[0].value, `'${want.object.name}'`);
  assert.equal(r.keys.find((k) => k.key === 'mergeable_ranks')?.type, `dict[${want.object.mergeable_ranks}]`);
  const special = r.keys.find((k) => k.key === 'special_tokens');
  assert.deepEqual(special?.children?.map((n) => [n.key, n.value]), Object.entries(want.object.special_tokens).map(([k, v]) => [k, String(v)]));
});

test('old-protocol pickles open too; a text file ending in a period does not; broken pickles say how', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-pickle-'));
  assert.equal((await inspectFile(fixture('pickle/tricky_p0.pkl'))).format, 'pickle');
  assert.equal((await inspectFile(fixture('pickle/tricky_p1.pkl'))).format, 'pickle');
  const write = (name: string, data: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };
  const code = async (path: string): Promise<string | undefined> => inspectFile(path).then(() => undefined, (err: unknown) => (err instanceof CheckpointError ? err.code : String(err)));
  assert.equal(await code(write('notes.pkl', 'Some notes.')), 'not-checkpoint');
  const whole = readFileSync(fixture('pickle/tricky_p4.pkl'));
  assert.equal(await code(write('cut.pkl', whole.subarray(0, whole.length - 20))), 'truncated');
  assert.equal(await code(write('tail.pkl', Buffer.concat([whole, Buffer.from('junk')]))), 'corrupt');
});
