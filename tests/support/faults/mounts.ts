// Real file systems that refuse writes: a size-limited tmpfs (disk full) and a read-only bind mount. Both need
// mount(8) and root (or CAP_SYS_ADMIN); where that is not allowed the caller skips with the reason returned here.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Mounted = { ok: true; dir: string; unmount(): void } | { ok: false; reason: string };

function run(args: string[]): string | null {
  try {
    execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (error) {
    return ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim();
  }
}

function unmounter(dir: string): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    // Lazy: a handle a failed test left open must not keep the mount (and the test run) hanging.
    run(['umount', '-l', dir]);
  };
}

/** A tmpfs of `size` (e.g. "2m") at a fresh folder. */
export function mountTmpfs(size: string): Mounted {
  const dir = mkdtempSync(join(tmpdir(), 'fenliu-tmpfs-'));
  const problem = run(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  if (problem) return { ok: false, reason: `mount -t tmpfs is not permitted here (${problem})` };
  return { ok: true, dir, unmount: unmounter(dir) };
}

/** `source` seen read-only at a fresh folder (a bind mount remounted ro). */
export function mountReadOnly(source: string): Mounted {
  const dir = mkdtempSync(join(tmpdir(), 'fenliu-ro-'));
  mkdirSync(dir, { recursive: true });
  const problem = run(['mount', '--bind', source, dir]);
  if (problem) return { ok: false, reason: `mount --bind is not permitted here (${problem})` };
  const remount = run(['mount', '-o', 'remount,bind,ro', dir]);
  if (remount) {
    run(['umount', '-l', dir]);
    return { ok: false, reason: `remounting read-only is not permitted here (${remount})` };
  }
  return { ok: true, dir, unmount: unmounter(dir) };
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path (delete it to free the disk). */
export function fillDisk(dir: string): string {
  const filler = join(dir, 'filler.bin');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  const fd = openSync(filler, 'w');
  try {
    for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          writeSync(fd, block, 0, size);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}
