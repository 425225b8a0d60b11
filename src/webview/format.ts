// Number, byte and shape formatting for the inspector. Pure functions, no DOM.

const COUNT_UNITS = ['', 'K', 'M', 'B', 'T'];
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A count in human form: `999`, `12.3K`, `124.4M`, `7.0B`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  if (value < 1000) return sign + String(Math.round(value));
  let unit = 0;
  while (value >= 1000 && unit < COUNT_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.96K rounds to "1000.0K": carry into the next unit instead.
  if (Number(value.toFixed(1)) >= 1000 && unit < COUNT_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${sign}${value.toFixed(1)}${COUNT_UNITS[unit]}`;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `474.6 MiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  if (n < 1024) return `${Math.round(n)} B`;
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (Number(value.toFixed(1)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** An exact integer with thousands separators: `124,412,160`. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** A shape as Python prints a torch.Size: `[768, 50304]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Elements of a tensor with this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A metric value: integers as they are, other numbers to 6 significant digits without trailing zeros. */
export function formatMetric(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/** The last segment of a path, for either separator. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** `1 tensor`, `10,000 tensors`. */
export function plural(n: number, noun: string): string {
  return `${formatInteger(n)} ${noun}${n === 1 ? '' : 's'}`;
}
