/** Exhaustiveness guard for switches over the message unions: a new case fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
