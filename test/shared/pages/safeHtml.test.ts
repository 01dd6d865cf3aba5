import { escapeText, html, SafeHtml } from '../../../shared/pages/safeHtml';

describe('safe HTML templates', () => {
  it('escapes every interpolated text, in content and in attributes', () => {
    const title = `<script>alert("x")</script> & 'quoted'`;

    const rendered = html`<p title="${title}">${title}</p>`.text;

    expect(rendered).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</p>',
    );
  });

  it('keeps nested templates and joins lists without escaping them twice', () => {
    const items = ['a&b', 'c<d'].map((item) => html`<li>${item}</li>`);

    expect(
      html`<ul>
        ${items}
      </ul>`.text.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>a&amp;b</li><li>c&lt;d</li></ul>');
  });

  it('renders nothing for false, null and undefined, and numbers as text', () => {
    expect(html`[${false}${null}${undefined}${0}${42}]`.text).toBe('[042]');
  });

  it('takes SafeHtml as it is and escapes the same text otherwise', () => {
    expect(html`${new SafeHtml('<b>x</b>')}|${'<b>x</b>'}`.text).toBe(
      '<b>x</b>|&lt;b&gt;x&lt;/b&gt;',
    );
    expect(escapeText('&amp;')).toBe('&amp;amp;');
  });
});
