// The CLI's version, `task-history --version`: the root package.json's, taken at build time.
// esbuild keeps only the named property of a JSON import, so the bundle carries the version
// string and nothing else of the manifest; tests running the sources read the same file.
import { version } from '../../package.json';

export const CLI_VERSION: string = version;
