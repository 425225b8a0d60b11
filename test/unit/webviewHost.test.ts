// The host side's pure parts: the HTML shell and its CSP, error pages' content, the testing summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LfsPointerError, TruncatedError } from '../../src/core/errors';
import { contentSecurityPolicy, createNonce, inspectorHtml } from '../../src/extension/inspectorHtml';
import { errorInfo, isAbort } from '../../src/extension/inspectorErrorInfo';
import { summarizeSent } from '../../src/extension/inspectorTestingState';
import type { InspectReport } from '../../src/core/inspect/report';
import { packReport } from '../../src/core/inspect/tensorColumns';

test('the CSP allows nothing but the nonce script and styles/fonts/images from the webview source', () => {
  assert.equal(
    contentSecurityPolicy('https://x.vscode-cdn.net', 'N0nce'),
    "default-src 'none'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net; script-src 'nonce-N0nce'",
  );
});

test('the HTML shell loads one script by nonce and the stylesheets as files, with no inline handlers or styles', () => {
  const html = inspectorHtml({ cspSource: 'https://src', scriptUri: 'https://src/dist/webview.js', styleUris: ['https://src/dist/uplot.css', 'https://src/media/inspector.css?a=1&b="2"'], nonce: 'abc' });
  assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="abc" src="https://src/dist/webview.js">']);
  assert.deepEqual(html.match(/<link[^>]*>/g), ['<link rel="stylesheet" href="https://src/dist/uplot.css">', '<link rel="stylesheet" href="https://src/media/inspector.css?a=1&amp;b=&quot;2&quot;">']);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'nonce-abc'">/);
  assert.doesNotMatch(html, /\son\w+=|style=|<style/);
});

test('nonces are fresh and long enough', () => {
  const a = createNonce();
  assert.notEqual(a, createNonce());
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
});

test('errorInfo carries the user sentence, code, size and a verdict when the error has one', () => {
  assert.deepEqual(errorInfo('/m.pt', new LfsPointerError(), 132), {
    file: '/m.pt',
    size: 132,
    code: 'lfs-pointer',
    message: 'This file is a Git LFS pointer, not the checkpoint itself: run `git lfs pull` to fetch it.',
  });
  assert.deepEqual(errorInfo('/gone.pt', Object.assign(new Error('ENOENT: x'), { code: 'ENOENT' }), undefined), { file: '/gone.pt', code: 'ENOENT', message: 'No such file.' });
  const security = { verdict: 'dangerous', globals: ['posix.system'], dangerous: ['posix.system'], suspicious: [] };
  assert.deepEqual(errorInfo('/e.pt', new TruncatedError('The pickle', { globals: ['posix.system'] }), 10).security, security);
  assert.equal(errorInfo('/e.pt', new TruncatedError(), 10).security, undefined);
});

test('isAbort recognises aborted runs only', () => {
  const controller = new AbortController();
  controller.abort();
  assert.deepEqual([isAbort(controller.signal.reason), isAbort(new TruncatedError()), isAbort(undefined)], [true, false, false]);
});

test('the testing summary reduces what was sent to the facts a test checks', () => {
  const report = {
    file: '/a.pt', size: 10, format: 'torch-zip', parameters: 20, modelParameters: 16, tensorBytes: 80, step: 7,
    tensors: [{ path: 'w', dtype: 'float32', shape: [4, 4], nbytes: 64, sha256: 'aa', role: 'parameter', device: 'cuda:0' }, { path: 'o', dtype: 'float32', shape: [4], nbytes: 16, role: 'optimizer', device: 'cpu' }],
    roles: { parameter: { tensors: 1, elements: 16, bytes: 64 }, optimizer: { tensors: 1, elements: 4, bytes: 16 } }, tied: [],
    security: { verdict: 'safe', globals: [], dangerous: [], suspicious: [] }, keys: [], metrics: {}, layers: [], notes: [],
    optimizers: [{ path: 'optimizer', kind: 'SGD', parameters: 1, parametersWithState: 0, stateKeys: [], groups: [] }],
  } as InspectReport;
  assert.deepEqual(summarizeSent({ type: 'report', report: packReport(report), hashed: true }), {
    kind: 'report', format: 'torch-zip', tensors: 2, parameters: 20, modelParameters: 16, verdict: 'safe', dangerous: [], step: 7, depth: undefined, hashed: true, hashes: 1,
    calls: undefined, optimizers: ['SGD'], devices: ['cuda:0', 'cpu'],
  });
  assert.deepEqual(summarizeSent({ type: 'error', error: { file: '/a.pt', code: 'truncated', message: 'm', size: 3 } }), {
    kind: 'error', code: 'truncated', message: 'm', size: 3, verdict: undefined, dangerous: undefined,
  });
  assert.equal(summarizeSent({ type: 'hashing', running: true }), undefined);
});
