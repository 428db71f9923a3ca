// infra/ is a consumer of the components package: it imports @dbtk/components by name, never its files.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.resolve(import.meta.dirname, "../../infra");

describe("infra/ imports", () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith(".ts")))("%s reaches the components only through the package", (file) => {
    const source = readFileSync(path.join(dir, file), "utf8");
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
    expect(specifiers.filter((s) => s.startsWith("..") || (s.includes("components/") && !s.startsWith("@dbtk/")))).toEqual([]);
    for (const s of specifiers.filter((x) => x.startsWith("@dbtk/"))) expect(s).toMatch(/^@dbtk\/components(\/(spec|aws|gcp|azure))?$/);
  });
});
