// css-literals.test.js: the build's minifier of Lit's css`...` templates (web/css-literals.js):
// comments and indentation go, every rule stays, and the rest of the file is left alone; a
// template with an interpolation or an escape is not touched.
import { describe, expect, it } from 'vitest';
import { minifyCssLiterals } from '../../web/css-literals.js';

describe('minifyCssLiterals', () => {
  it('minifies each css`...` template and nothing else', async () => {
    const source = [
      "const note = '/* not CSS */   kept';",
      'export const a = css`',
      '  /* Why this rule is here. */',
      '  :host {',
      '    display: block;',
      '    container-type: inline-size;',
      '  }',
      '  @container (min-width: 1000px) {',
      "    main.lesson .page > .lesson { grid-column: 1; }",
      '  }',
      '`;',
      'const b = html`<p>  two  spaces  </p>`;',
    ].join('\n');
    const out = await minifyCssLiterals(source);
    expect(out).toContain("const note = '/* not CSS */   kept';");
    expect(out).toContain('const b = html`<p>  two  spaces  </p>`;');
    const css = /css`([^`]*)`/.exec(out)[1];
    expect(css).not.toContain('Why this rule');
    expect(css).not.toMatch(/\n\s/);
    expect(css).toContain(':host{display:block;container-type:inline-size}');
    expect(css).toMatch(/@container \(min-width: ?1000px\)\{main\.lesson \.page>\.lesson\{grid-column:1\}\}/);
  });

  it('leaves a template with an interpolation or an escape as it is', async () => {
    const source = 'const a = css`\n  .x { color: ${c}; }\n`;\nconst b = css`\n  .y::before { content: "\\2014"; }\n`;';
    expect(await minifyCssLiterals(source)).toBe(source);
  });
});

describe('minifyCssLiterals on characters', () => {
  it('keeps a non-ASCII character itself, never as a CSS escape a template would misread', async () => {
    const out = await minifyCssLiterals("const a = css`\n  li + li::before {\n    content: '→';\n  }\n`;");
    expect(out).toBe('const a = css`li+li:before{content:"→"}`;');
  });
});
