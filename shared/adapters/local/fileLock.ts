import { open, readFile, stat, unlink } from 'node:fs/promises';

import { TransientError } from '../../ports/portErrors';

export interface FileLockOptions {
  /** Give up (TransientError) after waiting this long for another process. */
  readonly timeoutMs?: number;
  /** A lock file older than this whose owner cannot be confirmed alive is taken over. */
  readonly staleMs?: number;
}

const inProcessQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the lock on `path`: first among callers in this process (a queue per
 * path, so two adapter objects on one file never interleave), then across processes through
 * `<path>.lock`, created with O_EXCL so that exactly one process holds it.
 */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const previous = inProcessQueues.get(path) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withLockFile(path, work, options));
  inProcessQueues.set(path, run);

  try {
    return await run;
  } finally {
    if (inProcessQueues.get(path) === run) inProcessQueues.delete(path);
  }
}

async function withLockFile<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const lockPath = `${path}.lock`;
  await acquire(lockPath, options.timeoutMs ?? 10_000, options.staleMs ?? 30_000);

  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<void> {
  const started = Date.now();
  let waitMs = 2;

  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    if (await isStale(lockPath, staleMs)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new TransientError(`${lockPath} is held by another process`, 1000);
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    waitMs = Math.min(waitMs * 2, 100);
  }
}

/** A lock whose owner process is gone (a crash), or that is older than `staleMs`. */
async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number.parseInt(content, 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) return true;
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    // Released between our attempt and this check: try again.
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
