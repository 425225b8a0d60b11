// Numbers in the words a person reads: byte sizes, counts, metric values. Shared by the CLI, the
// tree and the inspector so all three say the same thing. Pure functions, no I/O, no DOM.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const COUNT_UNITS = ['', 'K', 'M', 'B', 'T'];

/** Scales `n` by `base` until it is below it (carrying a rounded 1024.0 up a unit). */
function scale(n: number, base: number, units: readonly string[], digits: (v: number) => number): string {
  let value = n;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  if (Number(value.toFixed(digits(value))) >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  return `${value.toFixed(digits(value))}${units[unit]}`;
}

/** `0 B`, `512 B`, `1.50 KiB`, `12.3 MiB`, `121 GiB`: three significant digits, binary units. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  return scale(bytes, 1024, BYTE_UNITS.map((u) => ` ${u}`), (v) => (v >= 100 ? 0 : v >= 10 ? 1 : 2));
}

/** A count in human form: `999`, `12.3K`, `124.4M`, `7.0B`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs < 1000) return sign + String(Math.round(abs));
  return sign + scale(abs, 1000, COUNT_UNITS, () => 1);
}

/** A metric value: integers as they are, others to `digits` significant digits, exponent when tiny or huge. */
export function formatMetric(value: number, digits = 4): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** An exact integer with thousands separators: `124,412,160`. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const grouped = String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** `1 tensor`, `10,000 tensors`, `2 children` (with `many`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInteger(n)} ${n === 1 ? one : many}`;
}
