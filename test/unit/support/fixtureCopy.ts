// Copies of fixture folders in a temp folder, dated in the past as a finished run's files are
// (a fresh copy would look like a run writing them right now, which a prune keeps).
import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

/** 2024-01-01T00:00:00Z, a minute later per file in walk order. */
const PAST = 1_704_067_200;

function backdate(dir: string, t: { next: number }): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) backdate(path, t);
    utimesSync(path, t.next, t.next);
    t.next += 60;
  }
}

/** `names` (folders under test/fixtures) copied into one new temp folder. */
export function copyFixtures(...names: string[]): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'prune-fixture-'));
  for (const name of names) cpSync(join(FIXTURES, name), join(root, name), { recursive: true });
  backdate(root, { next: PAST });
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
