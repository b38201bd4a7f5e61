// axe.js: the axe-core audit the end-to-end tests run on the page (WCAG 2.1 A and AA).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * axe-core's script goes in through DevTools (page.evaluate), which the page's CSP does not
 * govern: the CSP itself stays as it is (no bypassCSP), and anything it refuses while axe runs is
 * reported by openPage as a problem.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_OPTIONS = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations', 'incomplete'] };
/**
 * Rules whose "needs review" results count as violations here: axe cannot always follow an id
 * reference or an aria-label inside a shadow root, but in this page every reference stays inside
 * its own component, so what it flags is real (a label nobody hears, a description that is not there).
 */
const REVIEW_IS_VIOLATION = ['aria-prohibited-attr', 'aria-valid-attr-value'];

/** Runs axe on the whole page (open shadow roots included); resolves one line per failing node. */
export async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async ([options, strict]) => {
    const { violations, incomplete } = await window.axe.run(document, options);
    return [...violations, ...incomplete.filter((v) => strict.includes(v.id))]
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.flat().join(' >> ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
  }, [AXE_OPTIONS, REVIEW_IS_VIOLATION]);
}
