// Reads table rows straight from the bytes of a damaged SQLite database and its -wal, without SQLite: what
// `fenliu recover` falls back on where SQLite gives up (a garbled header, a broken interior page, a truncated file).
// Format: https://www.sqlite.org/fileformat2.html. Only committed WAL frames count (salts and checksums verify and a
// commit frame closes them), and pages on the freelist are skipped, so deleted or never-committed rows do not return.

export type SqlValue = null | number | bigint | string | Uint8Array;

export interface RawRecord {
  rowid: number;
  values: SqlValue[];
  /** 0: the main file; n: the n-th WAL frame (later frames are newer versions of a page). */
  generation: number;
  page: number;
}

export interface RawScan {
  records: RawRecord[];
  pageSize: number;
  /** Table leaf pages read. */
  leafPages: number;
  /** WAL frames that counted (committed, checksums good). */
  walFrames: number;
  /** What could not be read, for IT. */
  notes: string[];
}

const HEADER_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const TABLE_LEAF = 0x0d;
const MAX_PAYLOAD = 16 * 1024 * 1024;

interface Page {
  bytes: Buffer;
  generation: number;
}

export function scanRawRecords(main: Buffer, wal: Buffer | null): RawScan {
  const notes: string[] = [];
  const headerOk = main.length >= 100 && main.subarray(0, 16).equals(HEADER_MAGIC);
  if (!headerOk) notes.push('the file header is not a SQLite header; page size guessed');
  let pageSize = headerOk ? headerPageSize(main) : 0;
  const walInfo = wal && wal.length >= 32 ? walHeader(wal) : null;
  if (!isPageSize(pageSize)) pageSize = walInfo && isPageSize(walInfo.pageSize) ? walInfo.pageSize : guessPageSize(main);
  const reserved = headerOk ? main[20]! : 0;
  const usable = pageSize - reserved;

  const pages = new Map<number, Page>();
  const mainPages = Math.floor(main.length / pageSize);
  if (main.length % pageSize !== 0) notes.push(`the file ends inside page ${mainPages + 1} (truncated); that page is skipped`);
  for (let n = 1; n <= mainPages; n += 1) pages.set(n, { bytes: main.subarray((n - 1) * pageSize, n * pageSize), generation: 0 });

  let walFrames = 0;
  if (wal && walInfo) {
    if (walInfo.pageSize !== pageSize) notes.push('the -wal file has another page size than the database; it is ignored');
    else walFrames = applyWal(wal, walInfo, pageSize, pages, notes);
  } else if (wal && wal.length > 0) notes.push('the -wal file has no valid header; it is ignored');

  const free = headerOk || pages.has(1) ? freelistPages(pages, notes) : new Set<number>();
  const records: RawRecord[] = [];
  let leafPages = 0;
  for (const [number, page] of pages) {
    if (free.has(number)) continue;
    const offset = number === 1 ? 100 : 0;
    if (page.bytes[offset] !== TABLE_LEAF) continue;
    leafPages += 1;
    readLeaf(number, page, offset, usable, pages, records);
  }
  return { records, pageSize, leafPages, walFrames, notes };
}

function isPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

function headerPageSize(main: Buffer): number {
  const raw = main.readUInt16BE(16);
  return raw === 1 ? 65536 : raw;
}

/** The size at which the most pages start like a b-tree page; 4096 (the default) when nothing tells. */
function guessPageSize(main: Buffer): number {
  let best = 4096;
  let bestHits = 0;
  for (let size = 512; size <= 65536; size *= 2) {
    let hits = 0;
    for (let off = size; off + 8 <= main.length; off += size) {
      const type = main[off];
      if (type === 0x02 || type === 0x05 || type === 0x0a || type === 0x0d) hits += 1;
    }
    // Larger sizes see fewer pages; weigh by size so a true 4096 beats its 512-byte multiples' chance hits.
    if (hits * size > bestHits) {
      best = size;
      bestHits = hits * size;
    }
  }
  return best;
}

interface WalHeader {
  bigEndian: boolean;
  pageSize: number;
  salt1: number;
  salt2: number;
  checksum: [number, number];
}

function walHeader(wal: Buffer): WalHeader | null {
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return null;
  const bigEndian = magic === 0x377f0683;
  const sum = walChecksum(wal.subarray(0, 24), bigEndian, [0, 0]);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return null;
  return { bigEndian, pageSize: wal.readUInt32BE(8), salt1: wal.readUInt32BE(16), salt2: wal.readUInt32BE(20), checksum: sum };
}

function walChecksum(data: Buffer, bigEndian: boolean, start: [number, number]): [number, number] {
  let s0 = start[0];
  let s1 = start[1];
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** Lays committed WAL frames over the main file's pages; returns how many frames counted. */
function applyWal(wal: Buffer, header: WalHeader, pageSize: number, pages: Map<number, Page>, notes: string[]): number {
  const frameSize = 24 + pageSize;
  let sum = header.checksum;
  const pending: { number: number; page: Page }[] = [];
  let committed = 0;
  let index = 0;
  for (let off = 32; off + frameSize <= wal.length; off += frameSize) {
    index += 1;
    const number = wal.readUInt32BE(off);
    const commitSize = wal.readUInt32BE(off + 4);
    if (wal.readUInt32BE(off + 8) !== header.salt1 || wal.readUInt32BE(off + 12) !== header.salt2) break;
    sum = walChecksum(wal.subarray(off, off + 8), header.bigEndian, sum);
    sum = walChecksum(wal.subarray(off + 24, off + frameSize), header.bigEndian, sum);
    if (sum[0] !== wal.readUInt32BE(off + 16) || sum[1] !== wal.readUInt32BE(off + 20)) {
      notes.push(`-wal frame ${index} fails its checksum; it and later frames are ignored`);
      break;
    }
    pending.push({ number, page: { bytes: wal.subarray(off + 24, off + frameSize), generation: index } });
    if (commitSize !== 0) {
      for (const frame of pending) pages.set(frame.number, frame.page);
      committed += pending.length;
      pending.length = 0;
    }
  }
  if (pending.length > 0) notes.push(`${pending.length} -wal frame(s) of a transaction that never committed are ignored`);
  return committed;
}

function freelistPages(pages: Map<number, Page>, notes: string[]): Set<number> {
  const free = new Set<number>();
  const first = pages.get(1);
  if (!first || !first.bytes.subarray(0, 16).equals(HEADER_MAGIC)) return free;
  let trunk = first.bytes.readUInt32BE(32);
  while (trunk !== 0) {
    const page = pages.get(trunk);
    if (!page || free.has(trunk)) {
      notes.push('the freelist is broken; free pages may be read as live ones');
      break;
    }
    free.add(trunk);
    const count = page.bytes.readUInt32BE(4);
    for (let i = 0; i < count && 8 + 4 * i + 4 <= page.bytes.length; i += 1) free.add(page.bytes.readUInt32BE(8 + 4 * i));
    trunk = page.bytes.readUInt32BE(0);
  }
  return free;
}

function readLeaf(number: number, page: Page, offset: number, usable: number, pages: Map<number, Page>, out: RawRecord[]): void {
  const b = page.bytes;
  const cells = b.readUInt16BE(offset + 3);
  const pointersEnd = offset + 8 + 2 * cells;
  if (pointersEnd > usable) return;
  for (let i = 0; i < cells; i += 1) {
    const pointer = b.readUInt16BE(offset + 8 + 2 * i);
    if (pointer < pointersEnd || pointer >= usable) continue;
    try {
      const cell = readCell(b, pointer, usable, pages);
      if (cell) out.push({ rowid: cell.rowid, values: cell.values, generation: page.generation, page: number });
    } catch {
      // A garbled cell: skip it, keep the others on the page.
    }
  }
}

function readCell(b: Buffer, at: number, usable: number, pages: Map<number, Page>): { rowid: number; values: SqlValue[] } | null {
  const size = readVarint(b, at);
  const key = readVarint(b, size.next);
  const payloadSize = Number(size.value);
  const rowid = Number(BigInt.asIntN(64, key.value));
  if (payloadSize <= 0 || payloadSize > MAX_PAYLOAD || !Number.isSafeInteger(rowid)) return null;
  const start = key.next;
  const maxLocal = usable - 35;
  let local = payloadSize;
  if (payloadSize > maxLocal) {
    const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
    const k = minLocal + ((payloadSize - minLocal) % (usable - 4));
    local = k <= maxLocal ? k : minLocal;
  }
  if (start + local > usable) return null;
  let payload: Buffer = b.subarray(start, start + local);
  if (local < payloadSize) {
    if (start + local + 4 > usable) return null;
    const parts: Buffer[] = [payload];
    let have = local;
    let next = b.readUInt32BE(start + local);
    const seen = new Set<number>();
    while (have < payloadSize) {
      const overflow = next === 0 || seen.has(next) ? undefined : pages.get(next);
      if (!overflow) return null;
      seen.add(next);
      const take = Math.min(usable - 4, payloadSize - have);
      parts.push(overflow.bytes.subarray(4, 4 + take));
      have += take;
      next = overflow.bytes.readUInt32BE(0);
    }
    payload = Buffer.concat(parts);
  }
  return { rowid, values: decodeRecord(payload) };
}

function readVarint(b: Buffer, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < 9; i += 1) {
    const byte = b[at + i];
    if (byte === undefined) throw new RangeError('varint past the end');
    if (i === 8) return { value: (value << 8n) | BigInt(byte), next: at + 9 };
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new RangeError('unreachable');
}

const INT_SIZES: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8 };
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecord(payload: Buffer): SqlValue[] {
  const header = readVarint(payload, 0);
  const headerSize = Number(header.value);
  if (headerSize > payload.length || headerSize < header.next) throw new RangeError('record header past the payload');
  const types: number[] = [];
  for (let at = header.next; at < headerSize; ) {
    const t = readVarint(payload, at);
    types.push(Number(t.value));
    at = t.next;
  }
  const values: SqlValue[] = [];
  let at = headerSize;
  for (const type of types) {
    if (type === 0) values.push(null);
    else if (type === 8) values.push(0);
    else if (type === 9) values.push(1);
    else if (type === 7) {
      if (at + 8 > payload.length) throw new RangeError('value past the payload');
      values.push(payload.readDoubleBE(at));
      at += 8;
    } else if (INT_SIZES[type]) {
      const n = INT_SIZES[type]!;
      if (at + n > payload.length) throw new RangeError('value past the payload');
      let v = 0n;
      for (let i = 0; i < n; i += 1) v = (v << 8n) | BigInt(payload[at + i]!);
      v = BigInt.asIntN(n * 8, v);
      values.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
      at += n;
    } else if (type >= 12) {
      const n = Math.floor((type - 12) / 2);
      if (at + n > payload.length) throw new RangeError('value past the payload');
      const bytes = payload.subarray(at, at + n);
      values.push(type % 2 === 1 ? utf8.decode(bytes) : new Uint8Array(bytes));
      at += n;
    } else throw new RangeError(`serial type ${type} is reserved`);
  }
  return values;
}
