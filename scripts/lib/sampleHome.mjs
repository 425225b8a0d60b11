// Copies the fixture nanochat home and workspace somewhere writable, so tests and demos never
// touch the user's ~/.cache/nanochat and may create files freely.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './toolPaths.mjs';

export const fixtureNanochat = join(repoRoot, 'test', 'fixtures', 'nanochat');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/**
 * Fresh copies of test/fixtures/nanochat and test/fixtures/workspace under `dir`. A missing
 * fixture folder becomes an empty placeholder (with a note), so the caller still runs.
 * @returns {{nanochat: string, workspace: string, missing: string[]}}
 */
export function makeSampleHome(dir) {
  const nanochat = join(dir, 'nanochat');
  const workspace = join(dir, 'workspace');
  const missing = [];
  for (const [from, to] of [[fixtureNanochat, nanochat], [fixtureWorkspace, workspace]]) {
    rmSync(to, { recursive: true, force: true });
    if (existsSync(from)) {
      cpSync(from, to, { recursive: true });
    } else {
      missing.push(from);
      mkdirSync(to, { recursive: true });
      writeFileSync(join(to, 'PLACEHOLDER.md'), `Placeholder: ${from} did not exist when this copy was made.\n`);
    }
  }
  return { nanochat, workspace, missing };
}
