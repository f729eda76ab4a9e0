// A ustar reader: 512-byte headers (name, octal size, checksum), file data padded to 512.
import { check } from '../errors';

function field(h: Uint8Array, start: number, len: number): string {
  const b = h.subarray(start, start + len);
  const end = b.indexOf(0);
  return new TextDecoder('latin1').decode(end >= 0 ? b.subarray(0, end) : b);
}

/** Regular files of a tar archive by path. */
export function readTar(buf: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  check(buf.length >= 512, 'not a tar archive (shorter than one header)');
  for (let o = 0; o + 512 <= buf.length;) {
    const h = buf.subarray(o, o + 512);
    if (h.every((b) => b === 0)) break; // end-of-archive blocks
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    check(
      parseInt(field(h, 148, 8).trim(), 8) === sum,
      `not a tar archive (header checksum fails at byte ${o})`,
    );
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const prefix = field(h, 345, 155);
    const name = (prefix ? prefix + '/' : '') + field(h, 0, 100);
    const type = String.fromCharCode(h[156] || 48);
    check(o + 512 + size <= buf.length, `tar: ${name} runs past the end of the archive (truncated)`);
    if (type === '0' || type === '7') files.set(name, buf.subarray(o + 512, o + 512 + size));
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
