import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ANTI_FORGERY_KEY_BYTES } from '../../shared/domain/antiForgeryToken';

export const ANTI_FORGERY_KEY_FILE = 'anti-forgery.key';

/**
 * The local server's anti-forgery key: made once per state directory, readable by its owner only,
 * so that a form opened before a restart still posts. A second server racing to make it reads the
 * one that won (`wx` fails when the file exists).
 */
export async function loadAntiForgeryKey(stateDirectory: string): Promise<Uint8Array> {
  const path = join(stateDirectory, ANTI_FORGERY_KEY_FILE);
  await mkdir(stateDirectory, { recursive: true });

  try {
    await writeFile(path, randomBytes(ANTI_FORGERY_KEY_BYTES).toString('base64') + '\n', {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }

  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length < ANTI_FORGERY_KEY_BYTES) {
    throw new Error(
      `${path} holds no usable key (${key.length} bytes); delete it and a new one is made`,
    );
  }
  return key;
}
