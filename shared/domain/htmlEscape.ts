/**
 * Escapes the five characters that matter in HTML element content and quoted attribute values.
 * Incident comments (Sentinel renders them as HTML) and the approval pages both use it.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
