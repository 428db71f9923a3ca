// Flyway's version numbers: digits separated by dots or underscores, compared part by part as integers
// (1.10 > 1.9), trailing zero parts ignored (1 = 1.0). Stored with underscores turned into dots.

export interface Version {
  /** As Flyway stores it: the file's version with `_` replaced by `.` (e.g. "1.10"). */
  text: string;
  /** Numeric parts without trailing zeros, for comparison. */
  parts: bigint[];
}

export function parseVersion(raw: string): Version | undefined {
  const text = raw.replace(/_/g, ".");
  if (!/^\d+(\.\d+)*$/.test(text)) return undefined;
  const parts = text.split(".").map((p) => BigInt(p));
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return { text, parts };
}

/** Like parseVersion, but throws an error naming the setting when the text is not a version. */
export function requireVersion(raw: string, what: string): Version {
  const v = parseVersion(raw);
  if (!v) throw new Error(`${what} "${raw}" is not a version: use digits separated by dots, e.g. 1.2`);
  return v;
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const x = a.parts[i] ?? 0n;
    const y = b.parts[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A key equal for equal versions (1.0 and 1 share one). */
export function versionKey(v: Version): string {
  return v.parts.join(".");
}
