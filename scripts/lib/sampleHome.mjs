// Copies the fixture nanochat home and workspace somewhere writable, so tests and demos never
// touch the user's ~/.cache/nanochat and may create files freely.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './toolPaths.mjs';

export const fixtureNanochat = join(repoRoot, 'test', 'fixtures', 'nanochat');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/**
 * When the sample's files say they were written: long ago, so that no sample run looks like it is
 * training (a copy is stamped with the time it was made, and a run written to in the last few
 * minutes is "training" and never pruned).
 */
export const SAMPLE_MTIME = new Date('2025-01-15T12:00:00Z');

function stampAll(dir) {
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) utimesSync(join(dir, name), SAMPLE_MTIME, SAMPLE_MTIME);
}

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
      stampAll(to);
    } else {
      missing.push(from);
      mkdirSync(to, { recursive: true });
      writeFileSync(join(to, 'PLACEHOLDER.md'), `Placeholder: ${from} did not exist when this copy was made.\n`);
    }
  }
  return { nanochat, workspace, missing };
}
