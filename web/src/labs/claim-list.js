// claim-list.js: the list every lab shows of the lesson's claims: each claim's sentence, why, the
// button of its preset, and once measured the numbers with whether they support the slide.

import { html, nothing } from 'lit';
import { t } from '../i18n/index.js';

/**
 * The <h3> and <ul> of a lab's claims. prefix: the messages' key prefix (`${prefix}.claim.<id>`,
 * `.why`, `.measured`); current: the claim the lab shows; measured: {id: {holds, values}};
 * busy: the claim being measured (its text says so: `busyText(claim)`); show(id): the button.
 */
export function claimList({ id, prefix, claims, current, measured, busy = '', busyText = () => t('optim.running'), button, show, whyParams }) {
  return html`<h3 id=${id}>${t('optim.claims')}</h3>
    <ul class="claims" aria-labelledby=${id}>
      ${claims.map((c) => {
        const m = measured[c.id];
        return html`<li data-claim=${c.id} aria-current=${current === c.id ? 'true' : 'false'}>
          <div class="claim-title">${t(`${prefix}.claim.${c.id}`)}</div>
          <p class="why">${t(`${prefix}.claim.${c.id}.why`, whyParams)}</p>
          <button type="button" class="show" ?disabled=${Boolean(busy)} @click=${() => show(c.id)}>${button}</button>
          <p class="measured" aria-live="polite">${busy === c.id
            ? html`<span class="none">${busyText(c)}</span>`
            : m
              ? html`<span class="numbers">${t(`${prefix}.claim.${c.id}.measured`, m.values)}</span>
                  <span class="verdict ${m.holds ? 'holds' : 'fails'}" data-holds=${m.holds ? 'true' : 'false'}>${m.holds ? t('optim.holds') : t('optim.fails')}</span>`
              : html`<span class="none">${t('optim.notRun')}</span>`}</p>
        </li>`;
      })}
    </ul>`;
}

/** Nothing, or the lab's error as an alert. */
export const errorLine = (error, localize) => (error ? html`<p class="error" role="alert">${localize(error)}</p>` : nothing);
