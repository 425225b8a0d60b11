import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasHiddenCharacters, visibleClip, visibleText } from '../../src/core/visibleText';

test('a right-to-left override is shown as its escape, so the extension reads as written', () => {
  assert.equal(visibleText('model_state_dict.\u202egnp.exe'), 'model_state_dict.\\u202egnp.exe');
});

test('every bidi embedding, override, isolate and mark is escaped', () => {
  const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c];
  const text = bidi.map((c) => String.fromCodePoint(c)).join('');
  assert.equal(visibleText(text), '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c');
});

test('zero-width, invisible and control characters are escaped; tags by their code point', () => {
  const cases: Array<[string, string]> = [
    ['a\u200bb', 'a\\u200bb'],
    ['a\u200db', 'a\\u200db'],
    ['\ufeffkey', '\\ufeffkey'],
    ['soft\u00adhyphen', 'soft\\u00adhyphen'],
    ['nul\u0000bell\u0007del\u007f', 'nul\\u0000bell\\u0007del\\u007f'],
    ['c1\u0085', 'c1\\u0085'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['hangul\u3164filler', 'hangul\\u3164filler'],
    ['tag\u{e0041}', 'tag\\u{e0041}'],
    ['lone\ud800surrogate', 'lone\\ud800surrogate'],
    ['a\nb\tc\rd', 'a\\nb\\tc\\rd'],
  ];
  assert.deepEqual(cases.map(([input]) => visibleText(input)), cases.map(([, shown]) => shown));
});

test('ordinary text, markup and other scripts are left as they are', () => {
  const plain = ['transformer.h.0.attn.c_q.weight', '<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>', 'مرحبا', '日本語', 'emoji 🙂', 'café', 'C:\\runs\\a'];
  assert.deepEqual(plain.map((p) => visibleText(p)), plain);
  assert.deepEqual(plain.map(hasHiddenCharacters), plain.map(() => false));
});

test('keepLineBreaks keeps line feeds and still escapes the rest', () => {
  assert.equal(visibleText('a\nb\u202ec\r', { keepLineBreaks: true }), 'a\nb\\u202ec\\r');
});

test('visibleClip cuts with an ellipsis, never through an escape', () => {
  assert.equal(visibleClip('x'.repeat(5000), 40), `${'x'.repeat(39)}…`);
  assert.equal(visibleClip('short', 40), 'short');
  // The escape `\u202e` would be cut after `\u2`: it is dropped whole.
  assert.equal(visibleClip('abcdefg\u202ehij', 11), 'abcdefg…');
  assert.equal(visibleClip('abcdefg\u202ehij', 14), 'abcdefg\\u202e…');
  assert.equal(visibleClip('abc\u{e0041}def', 10), 'abc…');
});
