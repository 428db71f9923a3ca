// Native tools shipped as per-platform npm packages (@dbmate/linux-x64, @squawk-cli/linux-x64). We depend
// on those directly, as optional dependencies: the wrappers `dbmate` and `squawk-cli` list every
// platform's package, and a registry that lacks one breaks `npm ci`.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Path of `bin/<name>` in `@<scope>/<platform>-<arch>`, or an error naming the package to install. */
export function platformBinary(scope: string, name: string): string {
  const pkg = `@${scope}/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", name);
  } catch {
    throw new Error(`${name} is not installed for this platform: add the npm package ${pkg} (same version as in package.json)`);
  }
}
