// Migration files are UTF-8. A file in another encoding (Latin-1 from an old editor, UTF-16 from a
// PowerShell redirect) must be refused where it is wrong — not read with U+FFFD in place of its bytes and
// then applied and checksummed as such.

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface Utf8Problem {
  /** 1-based line and column (in bytes from the line's start) of the first invalid byte. */
  line: number;
  column: number;
  byte: number;
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    // Continuation bytes that follow, and the smallest code point that needs that many.
    const [n, min] = c < 0x80 ? [0, 0] : c >= 0xc2 && c <= 0xdf ? [1, 0x80] : c >= 0xe0 && c <= 0xef ? [2, 0x800] : c >= 0xf0 && c <= 0xf4 ? [3, 0x10000] : [-1, 0];
    if (n < 0) return i;
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += n + 1;
  }
  return -1;
}

/** The text of `bytes` (a BOM kept), or where its first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { problem: Utf8Problem } {
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    const at = Math.max(0, firstInvalid(bytes));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { problem: { line, column: at - lineStart + 1, byte: bytes[at] ?? 0 } };
  }
}

/** `<file>:<line>: …` naming the byte and the fix. */
export function utf8Message(file: string, p: Utf8Problem): string {
  const hex = p.byte.toString(16).toUpperCase().padStart(2, "0");
  return (
    `${file}:${p.line}: not valid UTF-8 (byte 0x${hex} at column ${p.column}); save the file as UTF-8 ` +
    `(e.g. iconv -f latin1 -t utf-8), migrations are read and checksummed as UTF-8`
  );
}
