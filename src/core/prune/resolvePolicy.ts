// The effective retention policy for a folder, from the settings as VS Code hands them over
// (`checkpointManager.retention.*`): the defaults, replaced field by field by the override whose
// path holds the folder (the longest such path). Settings are user-edited JSON: a value of the
// wrong type is ignored and named in `problems`, never trusted.

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isInside } from '../listing/runLocation';
import { DEFAULT_POLICY } from './retentionPolicy';
import type { RetentionPolicy } from './retentionPolicy';

export interface ResolvedPolicy {
  policy: RetentionPolicy;
  /** The key of the override that applied, as written in the settings. */
  override?: string;
  /** Values that were ignored, one sentence each. */
  problems: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const COUNT_FIELDS = ['keepLast', 'keepBest', 'keepEvery'] as const;

/** `base` with the valid fields of `raw` (a settings object) applied. */
export function applyPolicySettings(base: RetentionPolicy, raw: unknown, where: string, problems: string[]): RetentionPolicy {
  const policy: RetentionPolicy = { ...base };
  if (!isRecord(raw)) {
    if (raw !== undefined) problems.push(`${where}: not an object`);
    return policy;
  }
  const bad = (field: string, expected: string): void => {
    problems.push(`${where}.${field}: expected ${expected}, got ${JSON.stringify(raw[field])}`);
  };
  for (const field of COUNT_FIELDS) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) policy[field] = v;
    else bad(field, 'a whole number ≥ 0');
  }
  if (raw.recentMinutes !== undefined) {
    const v = raw.recentMinutes;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) policy.recentMinutes = v;
    else bad('recentMinutes', 'a number of minutes ≥ 0');
  }
  if (raw.keepWithoutMetric !== undefined) {
    if (typeof raw.keepWithoutMetric === 'boolean') policy.keepWithoutMetric = raw.keepWithoutMetric;
    else bad('keepWithoutMetric', 'true or false');
  }
  if (raw.metric !== undefined) {
    if (typeof raw.metric !== 'string') bad('metric', 'a metric name');
    else if (raw.metric.trim()) policy.metric = raw.metric.trim();
    else delete policy.metric;
  }
  if (raw.mode !== undefined) {
    if (raw.mode === 'min' || raw.mode === 'max') policy.mode = raw.mode;
    else if (raw.mode === 'auto') delete policy.mode;
    else bad('mode', '"min", "max" or "auto"');
  }
  return policy;
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/**
 * The policy for the runs in `dir`. `settings` is the `checkpointManager.retention` object:
 * the default policy's fields, and `overrides`, a map from a root (or any folder) to the fields
 * that differ there.
 */
export function resolveRetentionPolicy(settings: unknown, dir: string, home = homedir()): ResolvedPolicy {
  const problems: string[] = [];
  const defaults = applyPolicySettings({ ...DEFAULT_POLICY }, settings ?? {}, 'retention', problems);
  const overrides = isRecord(settings) ? settings.overrides : undefined;
  if (overrides !== undefined && !isRecord(overrides)) problems.push('retention.overrides: not an object');
  let best: { key: string; path: string } | undefined;
  const target = resolve(dir);
  for (const key of isRecord(overrides) ? Object.keys(overrides) : []) {
    const expanded = expandHome(key.trim(), home);
    if (!isAbsolute(expanded)) {
      problems.push(`retention.overrides: "${key}" is not an absolute path (or ~/…); ignored`);
      continue;
    }
    const path = resolve(expanded);
    if (isInside(target, path) && (!best || path.length > best.path.length)) best = { key, path };
  }
  if (!best || !isRecord(overrides)) return { policy: defaults, problems };
  const policy = applyPolicySettings(defaults, overrides[best.key], `retention.overrides["${best.key}"]`, problems);
  return { policy, override: best.key, problems };
}
