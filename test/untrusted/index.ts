// The mocha entry for the untrusted-workspace run (scripts/run-integration.mjs opens a workspace
// with workspace trust on, whose own settings try to widen what the extension searches).
import { runMocha } from '../integration/index';

export function run(): Promise<void> {
  return runMocha(__dirname);
}
