// The package a user installs: what the manifest promises is in the .vsix, and the docs that ship
// with it stand alone. `vsce ls` lists exactly the files `vsce package` would pack.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  icon?: string;
  repository?: { url?: string };
  bugs?: { url?: string };
  bin?: Record<string, string>;
  main: string;
};

function packedFiles(): string[] {
  assert.ok(existsSync(join(root, 'dist', 'extension.js')), 'dist/ is missing: run `node esbuild.mjs` first');
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

test('the manifest names an icon, a repository and where to report bugs', () => {
  assert.ok(manifest.icon, 'no icon');
  const png = readFileSync(join(root, manifest.icon));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'the icon is not a PNG (the Marketplace refuses SVG icons)');
  assert.equal(png.readUInt32BE(16), 128, 'icon width');
  assert.equal(png.readUInt32BE(20), 128, 'icon height');
  assert.match(manifest.repository?.url ?? '', /^https:\/\//);
  assert.match(manifest.bugs?.url ?? '', /^https:\/\//);
});

test('the package carries every file the manifest and the README point at', () => {
  const files = new Set(packedFiles());
  assert.ok(files.has(manifest.main.replace(/^\.\//, '')), `main ${manifest.main} is not packed`);
  assert.ok(files.has(manifest.icon ?? ''), 'the icon is not packed');
  for (const target of Object.values(manifest.bin ?? {})) {
    assert.ok(files.has(target.replace(/^\.\//, '')), `bin ${target} is not packed`);
  }
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(images.length > 0, 'the README shows no screenshots');
  for (const image of images) assert.ok(files.has(image), `the README shows ${image}, which is not packed`);
});

test('every line of .vscodeignore that lets a file in matches a packed file', () => {
  const files = [...packedFiles()];
  const includes = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!'));
  for (const line of includes) {
    const pattern = line.slice(1).replace(/\*\*$/, '');
    assert.ok(files.some((f) => f === pattern || (pattern.endsWith('/') && f.startsWith(pattern))), `${line} matches nothing: a stale entry`);
  }
});

test('the docs stand alone: nothing sends a reader outside the repository', () => {
  const docs = ['README.md', 'CHANGELOG.md', 'scripts/README.md', ...readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`)];
  for (const doc of docs) {
    const text = readFileSync(join(root, doc), 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared\/|\/work\/shared/, `${doc} points outside the repository`);
  }
});
