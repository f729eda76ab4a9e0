// A zip reader for .npz files: central directory (with zip64 fields, as numpy writes them),
// stored or deflated entries, CRC-checked.
import { check, InputError } from '../errors';
import { crc32, decompress } from '../util/bytes';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function u64(v: DataView, o: number): number {
  const n = v.getBigUint64(o, true);
  check(n <= BigInt(Number.MAX_SAFE_INTEGER), 'zip: 64-bit size too large');
  return Number(n);
}

function readEntries(buf: Uint8Array): Entry[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  for (let o = buf.length - 22; o >= Math.max(0, buf.length - 22 - 65535); o--) {
    if (v.getUint32(o, true) === EOCD) {
      eocd = o;
      break;
    }
  }
  check(eocd >= 0, 'not a zip/npz file (no end-of-central-directory record: wrong format or truncated)');
  let count = v.getUint16(eocd + 10, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (eocd >= 20 && v.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const z = u64(v, eocd - 12);
    check(z + 56 <= buf.length && v.getUint32(z, true) === ZIP64_EOCD, 'zip: bad zip64 end record');
    count = u64(v, z + 32);
    cdOffset = u64(v, z + 48);
  }
  const entries: Entry[] = [];
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    check(
      o + 46 <= buf.length && v.getUint32(o, true) === CENTRAL,
      'zip: corrupt central directory (truncated file?)',
    );
    const nameLen = v.getUint16(o + 28, true);
    const extraLen = v.getUint16(o + 30, true);
    const commentLen = v.getUint16(o + 32, true);
    const e: Entry = {
      name: new TextDecoder().decode(buf.subarray(o + 46, o + 46 + nameLen)),
      method: v.getUint16(o + 10, true),
      crc: v.getUint32(o + 16, true),
      compressed: v.getUint32(o + 20, true),
      size: v.getUint32(o + 24, true),
      offset: v.getUint32(o + 42, true),
    };
    // zip64 extra field: the 64-bit values replace, in this order, those set to 0xffffffff
    for (let x = o + 46 + nameLen; x + 4 <= o + 46 + nameLen + extraLen;) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (id === 1) {
        let p = x + 4;
        if (e.size === 0xffffffff) {
          e.size = u64(v, p);
          p += 8;
        }
        if (e.compressed === 0xffffffff) {
          e.compressed = u64(v, p);
          p += 8;
        }
        if (e.offset === 0xffffffff) {
          e.offset = u64(v, p);
        }
      }
      x += 4 + len;
    }
    entries.push(e);
    o += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** All entries of a zip archive, decompressed and CRC-checked. */
export async function readZip(buf: Uint8Array): Promise<Map<string, Uint8Array>> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<string, Uint8Array>();
  for (const e of readEntries(buf)) {
    check(
      e.offset + 30 <= buf.length && v.getUint32(e.offset, true) === LOCAL,
      `zip: bad local header for ${e.name}`,
    );
    const start = e.offset + 30 + v.getUint16(e.offset + 26, true) + v.getUint16(e.offset + 28, true);
    check(start + e.compressed <= buf.length, `zip: ${e.name} runs past the end of the file (truncated)`);
    const data = buf.subarray(start, start + e.compressed);
    let raw: Uint8Array;
    if (e.method === 0) raw = data;
    else if (e.method === 8) {
      try {
        raw = await decompress(data, 'deflate-raw');
      } catch (err) {
        throw new InputError(`zip: ${e.name} does not inflate (${(err as Error).message})`);
      }
    } else
      throw new InputError(
        `zip: ${e.name} uses compression method ${e.method}; only stored (0) and deflate (8) are read`,
      );
    check(raw.length === e.size, `zip: ${e.name} inflates to ${raw.length} bytes, expected ${e.size}`);
    check(crc32(raw) === e.crc, `zip: CRC mismatch in ${e.name} (corrupt file)`);
    out.set(e.name, raw);
  }
  return out;
}
