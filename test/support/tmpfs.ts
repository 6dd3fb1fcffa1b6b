import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs of its own, to fill up: a disk that really answers ENOSPC. */
export interface SmallDisk {
  dir: string;
  /** Writes a file of zeroes until the disk refuses: it is full. */
  fill(): void;
  /** Removes the filler: room again. */
  free(): void;
  unmount(): void;
}

const FILLER = '.filler';

/**
 * Mounts a tmpfs of `sizeMiB` in a fresh temporary folder. Needs root (or CAP_SYS_ADMIN): when
 * the mount is refused, returns the reason instead, for the test to skip with it.
 */
export function mountSmallDisk(sizeMiB: number): SmallDisk | { skip: string } {
  if (process.platform !== 'linux') return { skip: `tmpfs needs Linux, this is ${process.platform}` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return { skip: 'mounting a tmpfs needs root; the tests run as an ordinary user' };
  const dir = mkdtempSync(join(tmpdir(), 'conductor-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim();
    return { skip: `mount -t tmpfs was refused here (${why})` };
  }
  const filler = join(dir, FILLER);
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (const size of [1024 * 1024, 4096, 1]) {
          const chunk = Buffer.alloc(size);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      spawnSync('umount', [dir]);
      const still = spawnSync('mountpoint', ['-q', dir]);
      if (still.status === 0) spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
