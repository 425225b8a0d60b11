// Keys from a checkpoint are untrusted text: `__proto__` or `constructor` must become ordinary
// keys of the record, never touch its prototype (plain assignment to `__proto__` would).

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
