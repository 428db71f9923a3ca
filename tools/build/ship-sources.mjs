// After `tsc -b`: copies each package's TypeScript sources into its dist/src/ and points the declaration
// maps there, so "go to definition" from a consumer lands in real source while the package ships dist/
// only. (The .js maps already embed their sources: inlineSources.)
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");
// package dir → its dist dir (sources sit beside dist, mirrored below it by tsc's rootDir).
const packages = [path.join(repo, "components"), path.join(repo, "policy"), repo];

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

for (const pkg of packages) {
  const dist = path.join(pkg, "dist");
  if (!existsSync(dist)) continue;
  for (const map of walk(dist)) {
    if (!map.endsWith(".d.ts.map") || map.startsWith(path.join(dist, "src") + path.sep)) continue;
    const json = JSON.parse(readFileSync(map, "utf8"));
    json.sources = json.sources.map((rel) => {
      // A map tsc did not rewrite this time already points into dist/src/: refresh that copy all the same.
      let inPackage = path.relative(pkg, path.resolve(path.dirname(map), json.sourceRoot ?? "", rel));
      const shippedPrefix = path.join("dist", "src") + path.sep;
      if (inPackage.startsWith(shippedPrefix)) inPackage = inPackage.slice(shippedPrefix.length);
      const source = path.join(pkg, inPackage);
      if (inPackage.startsWith("..") || !existsSync(source)) return rel;
      const shipped = path.join(dist, "src", inPackage);
      mkdirSync(path.dirname(shipped), { recursive: true });
      copyFileSync(source, shipped);
      return path.relative(path.dirname(map), shipped).split(path.sep).join("/");
    });
    writeFileSync(map, JSON.stringify(json));
  }
}
