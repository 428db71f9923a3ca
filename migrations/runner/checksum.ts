// Flyway-compatible checksums. Flyway reads a script line by line (\n, \r\n and \r all end a line),
// strips a leading BOM and feeds each line's UTF-8 bytes, without its terminator, into one CRC32; the
// result is stored as a signed 32-bit int. Since CRC32 is streaming, that is the CRC32 of the text with
// every CR and LF removed — which is also why CRLF and LF files share a checksum.
import { crc32 } from "node:zlib";

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function flywayChecksum(text: string): number {
  const body = stripBom(text).replace(/[\r\n]/g, "");
  return crc32(Buffer.from(body, "utf8")) | 0;
}

/** java.lang.String#hashCode, which Flyway uses to derive its lock keys from the table name. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
