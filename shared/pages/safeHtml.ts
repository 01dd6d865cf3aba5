import { escapeHtml } from '../domain/htmlEscape';

/**
 * HTML built from templates in which every interpolated value is escaped unless it is itself
 * SafeHtml, so that incident titles, process command lines and audit reasons (all attacker
 * influenced) can never add markup to a page.
 */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });

  return new SafeHtml(text);
}

/** Escapes the five characters that matter in element content and quoted attribute values. */
export const escapeText = escapeHtml;

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  // `false` and absent values render nothing, so `${condition && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';

  return escapeText(String(value));
}
