// The environment for the nested `npm install`s that build the VS Code host. Started from
// `npm start` or `npm test`, this script inherits everything the parent npm hands its
// children: its whole configuration as `npm_config_*` (among them `npm_config_user_agent`,
// which names the parent's Node — code-server's postinstall reads its Node version from it
// and refuses Node 20), `npm_package_*` / `npm_lifecycle_*`, `NODE` and `npm_node_execpath`
// (the parent's Node), `INIT_CWD`, and the project's `node_modules/.bin` plus npm's
// `node-gyp-bin` shim in front of PATH. A nested npm takes all of that as its own settings.
// So the install starts from the environment a person's shell would give it, minus those,
// with the Node it must build for first on the PATH. npm re-reads the user's and the global
// `.npmrc` itself, so registry, proxy and CA settings kept there still apply; proxies set as
// HTTP_PROXY / HTTPS_PROXY / NO_PROXY pass through untouched.
// Only Node built-ins: it runs before the project's dependencies exist.
import { delimiter, sep } from 'node:path';

/** Variables a parent npm (or a Node tool above it) sets that must not reach a nested install. */
const LEAKED_NAMES = new Set([
  'NODE', // npm: the Node that runs npm; node-gyp and some postinstalls prefer it
  'INIT_CWD', // npm: where the parent command was started
  'NODE_OPTIONS', // e.g. `--import tsx` from a test runner: would load into Node 24's build steps
  'NODE_PATH',
  'NODE_ENV', // `production` makes npm omit dev dependencies that postinstalls build with
  'PREFIX', // npm sets it for lifecycle scripts in some versions
  'COLOR', // npm: its own color setting, for the scripts it runs
  'EDITOR', // npm: its `editor` setting (nothing in an install opens an editor)
]);

/** npm's own variables, whatever their case (npm reads `NPM_CONFIG_*` too). */
const isNpmVariable = (name) => /^npm_/i.test(name);

/** PATH entries a parent npm puts in front: project bins and its node-gyp shim. */
function isNpmPathEntry(entry) {
  const normalized = entry.split(sep).join('/');
  return /\/node_modules\/\.bin\/?$/.test(normalized) || /\/node-gyp-bin\/?$/.test(normalized);
}

/**
 * The environment for a nested `npm install`: `parent` without what a parent npm leaked,
 * `firstOnPath` in front of the PATH, then `settings` (our own, deliberate npm settings such
 * as `npm_config_nodedir`) on top.
 */
export function installEnv(parent, { firstOnPath, settings = {} } = {}) {
  const env = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || isNpmVariable(name) || LEAKED_NAMES.has(name.toUpperCase())) continue;
    env[name] = value;
  }
  const pathName = Object.keys(parent).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH';
  const entries = (parent[pathName] ?? '').split(delimiter).filter((entry) => entry && !isNpmPathEntry(entry));
  if (pathName !== 'PATH') delete env[pathName];
  env.PATH = [...(firstOnPath ? [firstOnPath] : []), ...entries.filter((entry) => entry !== firstOnPath)].join(delimiter);
  return { ...env, ...settings };
}

/** The names in `env` that a parent npm would have leaked: empty for a clean environment. */
export function leakedNames(env) {
  const names = Object.keys(env).filter((name) => isNpmVariable(name) || LEAKED_NAMES.has(name.toUpperCase()));
  const path = env.PATH ?? '';
  if (path.split(delimiter).some(isNpmPathEntry)) names.push('PATH (npm bin folders)');
  return names;
}
