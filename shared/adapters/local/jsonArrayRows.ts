import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface JsonArrayItem {
  readonly value: unknown;
  /** 1-based line on which the item starts. */
  readonly line: number;
  /** Bytes of the file read so far. */
  readonly bytesRead: number;
}

/** A JSON array file that is not well formed, with the line where reading stopped. */
export class JsonArrayFormatError extends Error {
  override readonly name = 'JsonArrayFormatError';
  readonly code = 'malformed-json-array';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * The items of a top-level JSON array (a Log Analytics JSON export), one at a time, so that an
 * export larger than memory can be read. Only the current item is held: the scanner tracks
 * strings and nesting to find where each item ends, and JSON.parse reads the item itself.
 */
export async function* readJsonArrayItems(path: string): AsyncGenerator<JsonArrayItem> {
  const decoder = new StringDecoder('utf8');
  let state = 'before-array' as 'before-array' | 'before-item' | 'in-item' | 'done';
  let afterComma = false;
  let line = 1;
  let itemLine = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pieces: string[] = [];
  let bytesRead = 0;

  for await (const chunk of createReadStream(path)) {
    bytesRead += (chunk as Buffer).length;
    const text = decoder.write(chunk as Buffer);
    const items: { value: unknown; line: number }[] = [];
    let itemStart = state === 'in-item' ? 0 : -1;

    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) line += 1;

      if (state === 'in-item') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth += 1;
        else if ((c === 0x7d || c === 0x5d) && depth > 0) depth -= 1;
        else if (depth === 0 && (c === 0x2c || c === 0x5d)) {
          pieces.push(text.slice(itemStart, i));
          items.push({ value: parseItem(pieces.join(''), itemLine), line: itemLine });
          pieces = [];
          itemStart = -1;
          afterComma = c === 0x2c;
          state = afterComma ? 'before-item' : 'done';
        }
        continue;
      }

      if (isWhitespace(c) || (c === 0xfeff && state === 'before-array')) continue;
      if (state === 'before-array' && c === 0x5b) {
        state = 'before-item';
      } else if (state === 'before-item' && c === 0x5d && !afterComma) {
        state = 'done';
      } else if (state === 'before-item' && c !== 0x2c && c !== 0x5d) {
        state = 'in-item';
        afterComma = false;
        itemStart = i;
        itemLine = line;
        depth = c === 0x7b || c === 0x5b ? 1 : 0;
        inString = c === 0x22;
        escaped = false;
      } else {
        const what = state === 'done' ? 'text after the end of the array' : `unexpected ${text[i]}`;
        throw new JsonArrayFormatError(what, line);
      }
    }
    if (state === 'in-item') pieces.push(text.slice(itemStart));

    for (const item of items) yield { ...item, bytesRead };
  }

  if (state !== 'done') throw new JsonArrayFormatError('the array is not closed', line);
}

function parseItem(text: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonArrayFormatError((error as Error).message, line);
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
