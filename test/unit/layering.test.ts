// The layering rule, run through ESLint's Node API with the project's own eslint.config.mjs: an
// import that runs up the ranks of src/ (or sideways between peers) fails lint; a legal one passes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');

/** The layering rule's messages for `code` as if it were the file `path` of src/. */
async function layeringMessages(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result.messages.filter((m) => m.ruleId === 'layering/imports').map((m) => m.message);
}

test('an upward import fails lint with the ranks it breaks', async () => {
  assert.deepEqual(await layeringMessages('src/core/zip/newFile.ts', "import type { InspectReport } from '../inspect/report';\nexport type R = InspectReport;\n"), [
    'src/core/zip (layer 4) must not import src/core/inspect (layer 13): imports run down the layers.',
  ]);
  assert.deepEqual(await layeringMessages('src/core/errors.ts', "import type { SecurityReport } from './security/securityReport';\nexport type S = SecurityReport;\n"), [
    'src/core/errors.ts (layer 2) must not import src/core/security (layer 9): imports run down the layers.',
  ]);
  assert.deepEqual(await layeringMessages('src/core/torch/newFile.ts', "export { openCheckpoint } from '../checkpoint/openCheckpoint';\n"), [
    'src/core/torch (layer 7) must not import src/core/checkpoint (layer 10): imports run down the layers.',
  ]);
});

test('front ends do not import each other, and a folder without a rank is reported', async () => {
  assert.deepEqual(await layeringMessages('src/webview/newFile.ts', "import { errorInfo } from '../extension/inspectorErrorInfo';\nexport const f = errorInfo;\n"), [
    'src/webview must not import src/extension: layers of one rank do not depend on each other.',
  ]);
  assert.deepEqual(await layeringMessages('src/core/nowhere/newFile.ts', "import { formatBytes } from '../format';\nexport const f = formatBytes;\n"), [
    'src/core/nowhere/newFile.ts has no layer: give its folder a rank in eslint/layering.mjs.',
  ]);
});

test('imports down the ranks, within a folder and to packages pass', async () => {
  const legal = [
    "import { TruncatedError } from '../errors';",
    "import type { ByteSource } from '../io/byteSource';",
    "import type { PyValue } from '../values/pyValue';",
    "import { unpickle } from './unpickler';",
    "import { crc32 } from 'node:zlib';",
    'export const all = [TruncatedError, unpickle, crc32];',
    'export type T = ByteSource | PyValue;',
  ].join('\n');
  assert.deepEqual(await layeringMessages('src/core/pickle/newFile.ts', `${legal}\n`), []);
  assert.deepEqual(await layeringMessages('src/cli.ts', "import { listCommand } from './cli/listCommand';\nexport const c = listCommand;\n"), []);
});
