// Lightning saves each callback's state under its `state_key`, the class name and a repr of the
// arguments that tell two instances apart: `ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min',
// 'every_n_train_steps': 0, ...}`. Paths through such keys are unreadable, so they get a label:
// `ModelCheckpoint(monitor=val_loss)`.

const STATE_KEY = /^([A-Za-z_][\w.]*)\{(.*)\}$/s;
const QUOTED = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;

/** The value of a str argument in a state key's repr, e.g. `monitor`; undefined when absent or not a str. */
export function stateKeyArgument(stateKey: string, name: string): string | undefined {
  const body = STATE_KEY.exec(stateKey)?.[2];
  if (body === undefined) return undefined;
  const m = new RegExp(`(?:^|, )'${name}': (?:${QUOTED})`).exec(body);
  return m ? (m[1] ?? m[2]).replace(/\\(.)/g, '$1') : undefined;
}

/** `ModelCheckpoint{'monitor': 'val_loss', ...}` -> `ModelCheckpoint(monitor=val_loss)`; undefined for other keys. */
export function callbackLabel(stateKey: string): string | undefined {
  const m = STATE_KEY.exec(stateKey);
  if (!m) return undefined;
  const monitor = stateKeyArgument(stateKey, 'monitor');
  return monitor === undefined ? m[1] : `${m[1]}(monitor=${monitor})`;
}

/** Labels for the state keys of one `callbacks` dict; a label two keys would share is not used. */
export function callbackLabels(stateKeys: readonly string[]): Map<string, string> {
  const byLabel = new Map<string, string[]>();
  for (const key of stateKeys) {
    const label = callbackLabel(key);
    if (label !== undefined) byLabel.set(label, [...(byLabel.get(label) ?? []), key]);
  }
  const labels = new Map<string, string>();
  for (const [label, keys] of byLabel) if (keys.length === 1 && !stateKeys.includes(label)) labels.set(keys[0], label);
  return labels;
}

/** `path` with a labelled callback key after `prefix` (`callbacks.`) replaced by its label; undefined when none applies. */
export function labelledPath(path: string, prefix: string, labels: ReadonlyMap<string, string>): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  for (const [key, label] of labels) {
    const at = prefix + key;
    if (path === at || path.startsWith(`${at}.`)) return prefix + label + path.slice(at.length);
  }
  return undefined;
}
