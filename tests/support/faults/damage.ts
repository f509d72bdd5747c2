// Ways a database file gets damaged on a desk PC: bytes garbled in the middle of pages (bad sector, a tool that
// wrote into the file), a file cut short (disk full while copying, power loss on a FAT stick), a garbled header.
import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { seededRandom as prng } from '../seeded-random';

export { prng };

export function pageSizeOf(file: string): number {
  const header = readFileSync(file).subarray(16, 18);
  const raw = header.readUInt16BE(0);
  return raw === 1 ? 65536 : raw;
}

/** Pages of one table's b-tree (from SQLite's dbstat), by kind. Read before damaging. */
export function tablePages(file: string, table: string): { leaves: number[]; interior: number[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno').all(table) as { pageno: number; pagetype: string }[];
    return {
      leaves: rows.filter((r) => r.pagetype === 'leaf').map((r) => r.pageno),
      interior: rows.filter((r) => r.pagetype === 'internal').map((r) => r.pageno),
    };
  } finally {
    db.close();
  }
}

/**
 * Overwrites `length` bytes of each page with random bytes: in the middle of the page (where row data usually
 * is), or at its b-tree header and cell pointers (`at: 'pointers'`: the page can no longer be navigated; the
 * middle of a sparse interior page may be free space that nothing reads).
 */
export function garblePages(file: string, pages: number[], seed: number, length = 256, at: 'middle' | 'pointers' = 'middle'): void {
  const size = pageSizeOf(file);
  const random = prng(seed);
  const fd = openSync(file, 'r+');
  try {
    for (const page of pages) {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(random() * 256);
      const offset = at === 'middle' ? Math.floor((size - length) / 2) : (page === 1 ? 100 : 0) + 3;
      writeSync(fd, bytes, 0, length, (page - 1) * size + offset);
    }
  } finally {
    closeSync(fd);
  }
}

/** Overwrites bytes at an absolute offset. */
export function garbleAt(file: string, offset: number, length: number, seed: number): void {
  const random = prng(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(random() * 256);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Cuts the file to `fraction` of its length, in the middle of a page. */
export function truncateTo(file: string, fraction: number): void {
  const size = statSync(file).size;
  truncateSync(file, Math.floor(size * fraction) + 123);
}
