/**
 * Hand-written zip archives for the hostile-attachment tests: every header field can be set to what an attacker
 * (or a broken archiver) would write, which no honest zip library produces.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array;
  /** 8 deflate (default), 0 stored, anything else as written. */
  method?: number;
  /** Compressed bytes to write instead of compressing `data`. */
  raw?: Uint8Array;
  flags?: number;
  /** Override what the headers declare. */
  size?: number;
  compressedSize?: number;
  crc?: number;
  localName?: string;
  /** Point the central entry at another entry's local header, or at an absolute offset. */
  localOffsetOf?: number;
  localOffset?: number;
}

export function handZip(specs: ZipEntrySpec[], options: { declaredCount?: number; zip64Locator?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const spec of specs) {
    const data = spec.data ?? new Uint8Array(0);
    const method = spec.method ?? 8;
    const body = Buffer.from(spec.raw ?? (method === 8 ? deflateRawSync(data) : data));
    const name = Buffer.from(spec.name, 'utf8');
    const localName = Buffer.from(spec.localName ?? spec.name, 'utf8');
    const flags = spec.flags ?? 0x800;
    const crc = spec.crc ?? crc32(data);
    const size = spec.size ?? data.length;
    const compressed = spec.compressedSize ?? body.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed >>> 0, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(localName.length, 26);
    offsets.push(offset);
    locals.push(local, localName, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed >>> 0, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((spec.localOffset ?? (spec.localOffsetOf !== undefined ? offsets[spec.localOffsetOf]! : offset)) >>> 0, 42);
    centrals.push(central, name);
    offset += 30 + localName.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = options.declaredCount ?? specs.length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  const locator = options.zip64Locator ? Buffer.concat([Buffer.from([0x50, 0x4b, 0x06, 0x07]), Buffer.alloc(16)]) : Buffer.alloc(0);
  return Buffer.concat([...locals, cd, locator, end]);
}
