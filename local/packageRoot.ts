import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package's root folder, whether this runs from the sources or from `dist/`. */
function findRoot(start: string): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
  return directory;
}

export const packageRoot = findRoot(__dirname);
