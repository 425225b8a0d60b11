// Why the reader is our own: runs the libraries the brief names (jszip, pickleparser) on real
// torch files and on the fixture pickles, next to our reader, and prints what each did.
// `node bench/libraries.mjs` (after `npx tsc -p .`); needs /usr/bin/python3 with torch for the
// 1 GiB file (skipped without it). Results are quoted in the README's design notes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures');
const require = createRequire(import.meta.url);
const python = '/usr/bin/python3';

/** Runs `code` (an ES module body) in a fresh Node process; returns its JSON line and peak RSS. */
function isolated(code) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] || '{}');
}

const rows = [];
const row = (library, input, outcome) => rows.push({ library, input, outcome });

// --- jszip on torch-written archives (small fixtures: torch always writes ZIP64 end records).
for (const name of ['nanochat/base_checkpoints/d2/model_000100.pt', 'workspace/checkpoints/best.pt', 'formats/dtypes.pt']) {
  const out = isolated(`
    import JSZip from 'jszip'; import { readFileSync } from 'node:fs';
    try { const z = await JSZip.loadAsync(readFileSync(${JSON.stringify(join(fixtures, name))})); console.log(JSON.stringify({ ok: Object.keys(z.files).length })); }
    catch (e) { console.log(JSON.stringify({ error: String(e.message ?? e) })); }`);
  row('jszip 3.10.2 loadAsync', name, out.error ? `fails: "${out.error}"` : `reads ${out.ok} entries`);
}

// --- jszip on a plain (non-ZIP64) zip of about 1 GiB: it wants the whole file in memory.
const tmp = join(root, 'bench', '.tmp');
mkdirSync(tmp, { recursive: true });
const bigZip = join(tmp, 'plain_1gib.zip');
const made = spawnSync(python, ['-c', `
import zipfile, os
with zipfile.ZipFile(${JSON.stringify(bigZip)}, 'w', zipfile.ZIP_STORED, allowZip64=False) as z:
    for i in range(16):
        z.writestr(f'archive/data/{i}', os.urandom(1 << 20) * 64)
`], { stdio: 'ignore' });
if (made.status === 0) {
  const size = statSync(bigZip).size;
  const jszip = isolated(`
    import JSZip from 'jszip'; import { readFileSync } from 'node:fs';
    const z = await JSZip.loadAsync(readFileSync(${JSON.stringify(bigZip)}));
    const one = await z.file('archive/data/3').async('uint8array');
    console.log(JSON.stringify({ bytes: one.length, rssMiB: process.resourceUsage().maxRSS / 1024 }));`);
  const ours = isolated(`
    import { FileByteSource } from './out/src/core/io/fileByteSource.js';
    import { ZipArchive } from './out/src/core/zip/zipArchive.js';
    const src = await FileByteSource.open(${JSON.stringify(bigZip)});
    const z = await ZipArchive.open(src);
    const e = z.entry('archive/data/3');
    const one = await z.readStored(e, 0, e.uncompressedSize);
    await src.close();
    console.log(JSON.stringify({ bytes: one.length, rssMiB: process.resourceUsage().maxRSS / 1024 }));`);
  const gib = (size / 2 ** 30).toFixed(2);
  row('jszip 3.10.2 loadAsync + one 64 MiB entry', `plain zip, ${gib} GiB`, `peak RSS ${jszip.rssMiB.toFixed(0)} MiB (the whole file is read first)`);
  row('our ZipArchive + one 64 MiB entry', `plain zip, ${gib} GiB`, `peak RSS ${ours.rssMiB.toFixed(0)} MiB (end records, directory, one record)`);
  rmSync(bigZip, { force: true });
} else {
  row('jszip 3.10.2 on 1 GiB', 'plain zip', 'skipped: /usr/bin/python3 could not write it');
}

// --- pickleparser on the legacy format and on values checkpoints hold.
const { Parser } = require('pickleparser');
const parse = (bytes) => new Parser().parse(bytes);
try {
  parse(readFileSync(join(fixtures, 'formats', 'legacy.pt')));
  row('pickleparser 0.2.1', 'formats/legacy.pt (torch < 1.6)', 'parsed the first pickle');
} catch (e) {
  row('pickleparser 0.2.1', 'formats/legacy.pt (torch < 1.6)', `fails at the magic number: "${e.message}"`);
}
// Values a checkpoint holds, pickled by Python here (no torch needed): -1 and 2**60 as LONG1,
// a tuple and a list.
const small = spawnSync(python, ['-c', "import pickle,sys; sys.stdout.buffer.write(pickle.dumps({'neg': -1, 'big': 2**60 + 1, 'tuple': (1, 2), 'list': [1, 2]}, protocol=2))"]);
if (small.status === 0) {
  try {
    const v = parse(small.stdout);
    const get = (k) => (v instanceof Map ? v.get(k) : v[k]);
    const shown = (x) => (typeof x === 'bigint' ? `${x}n` : JSON.stringify(x));
    row('pickleparser 0.2.1', '{-1, 2**60 + 1, (1, 2), [1, 2]} (protocol 2)', `gives ${shown(get('neg'))}, ${shown(get('big'))}, ${shown(get('tuple'))}, ${shown(get('list'))}`);
  } catch (e) {
    row('pickleparser 0.2.1', 'small protocol-2 pickle', `fails: "${e.message}"`);
  }
}
try {
  parse(readFileSync(join(fixtures, 'pickle', 'tricky_p2.pkl')));
  row('pickleparser 0.2.1', 'pickle/tricky_p2.pkl (ints past 2**64)', 'parsed');
} catch (e) {
  row('pickleparser 0.2.1', 'pickle/tricky_p2.pkl (ints past 2**64)', `fails: "${e.message}"`);
}
try {
  const v = parse(readFileSync(join(fixtures, 'pickle', 'evil_system_p2.pkl')));
  row('pickleparser 0.2.1', 'pickle/evil_system_p2.pkl (os.system)', `returns ${typeof v === 'object' ? JSON.stringify(v).slice(0, 60) : String(v)} without a word about the global`);
} catch (e) {
  row('pickleparser 0.2.1', 'pickle/evil_system_p2.pkl (os.system)', `fails: "${e.message}"`);
}

console.log('| library | input | what happened |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.library} | ${r.input} | ${r.outcome.replace(/\|/g, '\\|')} |`);
