// The environment for a child that must not see the npm script that started us.
//
// Under `npm test` / `npm start` every child inherits npm's `npm_config_*`, `npm_package_*` and
// `npm_lifecycle_*` variables. A nested `npm install` then runs with the parent's settings, and
// code-server's postinstall reads the Node version from `npm_config_user_agent`
// ("npm/11 node/v20…") instead of the `node` on PATH, so it refuses to install. Children that
// install or run tools get this environment instead.

const inherited = /^(npm_|INIT_CWD$|NODE$)/i;

/** `process.env` without what an npm script adds, plus `extra`. */
export function cleanEnv(extra = {}, base = process.env) {
  const env = {};
  for (const [key, value] of Object.entries(base)) {
    if (!inherited.test(key) && value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}
