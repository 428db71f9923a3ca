// Each cloud's subpath needs that cloud's Pulumi SDK, a peer dependency the consumer installs. Checked
// before the SDK is loaded, so a missing peer names the package and the install command instead of
// failing deep inside a `require`.

/** Throws when `pkg` cannot be resolved from this package; `subpath` is the export that needs it. */
export function requirePeer(pkg: string, subpath: string): void {
  // Compiled to CommonJS, `require` exists; under a test runner's ESM transform the check is skipped.
  if (typeof require !== "function") return;
  try {
    require.resolve(pkg);
  } catch {
    throw new Error(
      `@dbtk/components/${subpath} needs the peer dependency ${pkg}, which is not installed. ` +
        `Install it next to @dbtk/components: npm install ${pkg}`,
    );
  }
}
