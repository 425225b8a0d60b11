// The tree's security mark from the verdicts on a checkpoint's files: the worst wins, the tooltip
// names every file that is not safe with its globals, and untrusted names cannot inject Markdown
// or hide behind bidi controls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileVerdict } from '../../src/core/security/verdictMark';
import { findingText, globalsText, verdictMark } from '../../src/core/security/verdictMark';

const safe: FileVerdict = { verdict: 'safe', globals: ['collections.OrderedDict'], dangerous: [], suspicious: [] };
const dangerous: FileVerdict = { verdict: 'dangerous', globals: ['posix.system', 'collections.OrderedDict'], dangerous: ['posix.system'], suspicious: [], calls: ["posix.system('touch /tmp/x')"] };
const suspicious: FileVerdict = { verdict: 'suspicious', globals: ['__main__.RunNotes'], dangerous: [], suspicious: ['__main__.RunNotes'] };
const broken: FileVerdict = { verdict: 'safe', globals: [], dangerous: [], suspicious: [], error: { message: 'The file ends early.', code: 'truncated' } };

test('safe files, and files not judged yet, have no mark', () => {
  assert.equal(verdictMark([]), undefined);
  assert.equal(verdictMark([{ name: 'model_000200.pt', verdict: safe }]), undefined);
});

test('the worst verdict of a checkpoint\'s files is its mark: dangerous, then suspicious, then unreadable', () => {
  const mark = verdictMark([
    { name: 'model_000200.pt', verdict: broken },
    { name: 'optim_000200_rank0.pt', verdict: dangerous },
    { name: 'optim_000200_rank1.pt', verdict: suspicious },
  ]);
  assert.deepEqual(
    { kind: mark?.kind, icon: mark?.icon, word: mark?.word, ariaText: mark?.ariaText },
    { kind: 'dangerous', icon: 'error', word: 'dangerous', ariaText: 'security verdict dangerous' },
  );
  assert.equal(
    mark?.tooltip,
    [
      '**Security**',
      '',
      '- model\\_000200\\.pt: **unreadable**, it cannot be read: The file ends early\\.',
      '- optim\\_000200\\_rank0\\.pt: **dangerous**, loading it would call posix\\.system',
      '- optim\\_000200\\_rank1\\.pt: **suspicious**, it imports 1 class this reader does not know: \\_\\_main\\_\\_\\.RunNotes',
      '',
      'Never load it with `torch.load` outside a sandbox. The inspector shows what it would run.',
    ].join('\n'),
  );
  assert.equal(verdictMark([{ name: 'a.pt', verdict: suspicious }, { name: 'b.pt', verdict: broken }])?.kind, 'suspicious');
  assert.deepEqual(verdictMark([{ name: 'b.pt', verdict: broken }])?.ariaText, 'cannot be read');
});

test('globals from a hostile pickle are shown inert: escapes for bidi controls, no Markdown links', () => {
  const hostile: FileVerdict = { ...dangerous, dangerous: ['os.\u202emetsys', '[click](command:workbench.action.terminal.new)'] };
  assert.equal(findingText(hostile), 'loading it would call os.\\u202emetsys, [click](command:workbench.action.terminal.new)');
  const tooltip = verdictMark([{ name: 'x.pt', verdict: hostile }])!.tooltip;
  assert.ok(tooltip.includes('os\\.\\\\u202emetsys'));
  assert.ok(tooltip.includes('\\[click\\]\\(command:workbench\\.action\\.terminal\\.new\\)'));
  assert.doesNotMatch(tooltip, /\u202e/u);
});

test('long lists of globals are cut with a count', () => {
  const names = Array.from({ length: 11 }, (_, i) => `m.f${i}`);
  assert.equal(globalsText(names), 'm.f0, m.f1, m.f2, m.f3, m.f4, m.f5, m.f6, m.f7 and 3 more');
});
