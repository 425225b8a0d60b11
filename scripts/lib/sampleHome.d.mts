// Types for sampleHome.mjs.
export const fixtureNanochat: string;
export const fixtureWorkspace: string;
export function makeSampleHome(dir: string): { nanochat: string; workspace: string; missing: string[] };
