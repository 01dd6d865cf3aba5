import { renderPage } from './pageLayout';
import { html } from './safeHtml';

export interface MessagePageView {
  readonly localUse: boolean;
  readonly title: string;
  /** Plain sentences: why the page cannot be shown. */
  readonly message: string;
  readonly analyst?: string;
}

/** A refusal or a missing page, said in a sentence, in the same frame as every other page. */
export function renderMessagePage(view: MessagePageView): string {
  return renderPage({
    title: view.title,
    localUse: view.localUse,
    ...(view.analyst === undefined ? {} : { analyst: view.analyst }),
    body: html`<div class="notice bad" role="alert"><p>${view.message}</p></div>`,
  });
}
