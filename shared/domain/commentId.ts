import { sha256Hex } from './auditChain';

/**
 * A comment id derived from what the comment is about, so that a retried activity or a replayed
 * orchestration writes the same comment once (Sentinel treats a PUT to an existing id as an update).
 * Formatted as a GUID (RFC 9562 version 8, name-based with SHA-256).
 */
export function commentId(...parts: readonly string[]): string {
  const hex = sha256Hex(parts.join('\u001f'));
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
