import { html as tag, Html } from './html';

// The tag under another name: Prettier formats templates tagged `html` as HTML, which would change the expected text.
describe('console html tag: every interpolation escaped unless it is Html', () => {
  it('escapes text in elements and attributes', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(tag`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
  });

  it('keeps nested Html, joins arrays element by element, renders nothing for false, null and undefined', () => {
    const rows = ['a<b', 'c'].map((t) => tag`<li>${t}</li>`);
    expect(tag`<ul>${rows}</ul>${false}${null}${undefined}${0}`.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(tag`${['<i>', tag`<i>`]}`.text).toBe('&lt;i&gt;<i>');
  });

  it('only the tag makes Html: an object posing as one is rendered as text', () => {
    const forged = { text: '<b>' } as unknown as string;
    expect(tag`${forged}`.text).toBe('[object Object]');
    expect(new Html('<b>').text).toBe('<b>');
  });
});
