import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where the local adapters keep their documents unless told otherwise (relative to the working directory). */
export const DEFAULT_STATE_DIRECTORY = '.c2-responder';

/**
 * The local adapters' state: NSG documents, incident documents and the audit log. Created on first
 * use; seeds are copied in, never written back to where they came from.
 */
export class StateDirectory {
  readonly root: string;

  constructor(root: string = DEFAULT_STATE_DIRECTORY) {
    this.root = resolve(root);
  }

  get nsgs(): string {
    return join(this.root, 'nsgs');
  }

  get incidents(): string {
    return join(this.root, 'incidents');
  }

  get auditFile(): string {
    return join(this.root, 'audit.jsonl');
  }

  /** Creates the directory (and its parents) when missing; returns its path. */
  async ensure(directory: string = this.root): Promise<string> {
    await mkdir(directory, { recursive: true });
    return directory;
  }
}
