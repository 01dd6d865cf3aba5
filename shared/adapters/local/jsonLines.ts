import { createReadStream } from 'node:fs';

export interface JsonLine {
  /** 1-based, counted from `start`. */
  readonly lineNumber: number;
  readonly text: string;
  /** Byte offset of the line's first byte and of the byte after its newline. */
  readonly offset: number;
  readonly next: number;
}

/**
 * The complete lines of a file from byte `start`, with their byte offsets, read in chunks so that
 * the file never has to fit in memory. A last line without its newline is left out unless
 * `unterminated` is set: in a log being appended to it is an append in progress (or torn by a
 * crash), not a record; in an export it is simply the last row.
 */
export async function* readCompleteLines(
  path: string,
  start = 0,
  unterminated = false,
): AsyncGenerator<JsonLine> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = start;
  let lineNumber = 0;

  for await (const chunk of createReadStream(path, { start })) {
    let buffer: Buffer =
      pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let newline = buffer.indexOf(0x0a);
    while (newline !== -1) {
      const next = offset + newline + 1;
      lineNumber += 1;
      yield { lineNumber, text: buffer.toString('utf8', 0, newline), offset, next };
      buffer = buffer.subarray(newline + 1);
      offset = next;
      newline = buffer.indexOf(0x0a);
    }
    pending = buffer;
  }

  if (unterminated && pending.length > 0) {
    yield {
      lineNumber: lineNumber + 1,
      text: pending.toString('utf8'),
      offset,
      next: offset + pending.length,
    };
  }
}
