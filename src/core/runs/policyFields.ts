// The retention policy as the run view edits it: the three rules and the metric they rank by.
// What comes back from the page is checked as settings are (applyPolicySettings), never trusted.

import { applyPolicySettings } from '../prune/resolvePolicy';
import type { RetentionPolicy } from '../prune/retentionPolicy';
import type { PolicyFields } from './runViewTypes';


export function policyFields(p: RetentionPolicy): PolicyFields {
  return { keepLast: p.keepLast, keepBest: p.keepBest, metric: p.metric ?? '', mode: p.mode ?? 'auto', keepEvery: p.keepEvery };
}

/** `base` (the settings' policy for the run) with the page's fields applied; bad fields are named in `problems`. */
export function policyFromFields(base: RetentionPolicy, fields: unknown): { policy: RetentionPolicy; problems: string[] } {
  const problems: string[] = [];
  const raw = fields && typeof fields === 'object' ? { ...(fields as Record<string, unknown>) } : fields;
  // Only the fields the view edits: the rest (recent minutes, unscored) stay as the settings say.
  if (raw && typeof raw === 'object') {
    for (const k of Object.keys(raw)) if (!['keepLast', 'keepBest', 'metric', 'mode', 'keepEvery'].includes(k)) delete (raw as Record<string, unknown>)[k];
  }
  const policy = applyPolicySettings(base, raw, 'policy', problems);
  return { policy, problems };
}
