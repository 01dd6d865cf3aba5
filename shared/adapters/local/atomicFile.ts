import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file so that a reader sees the old or the new content, never a torn one: the content
 * goes to a temporary file in the same directory (a rename is atomic only within one file system),
 * is flushed to disk, and is renamed over the target.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = await writeTemporary(path, content);

  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }

  await syncDirectory(dirname(path));
}

/** A flushed temporary file next to `path` (same directory, hence same file system). */
async function writeTemporary(path: string, content: string): Promise<string> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }

  return temporary;
}

/**
 * Creates a file with the given content unless one exists already; returns whether it created it.
 * The link fails when the target exists, so a seed never replaces a document another process
 * created (and changed) meanwhile.
 */
export async function createFileAtomic(path: string, content: string): Promise<boolean> {
  const temporary = await writeTemporary(path, content);

  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }

  await syncDirectory(dirname(path));
  return true;
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Undefined when the file does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

export function isMissingFile(error: unknown): boolean {
  // Not `instanceof Error`: errors from Node's own modules may come from another realm (test runners).
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is harmless. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (!handle) return;

  try {
    await handle.sync();
  } catch {
    // Directory fsync is unsupported on some file systems; the rename already happened.
  } finally {
    await handle.close();
  }
}
