// nn-playground.sections.js: three of the page's sections, drawn from the shell's state: the
// network drawing across the top, the loss and accuracy charts, and the list of runs. Each takes
// the shell (its controllers and its draft) and returns a template; the shell places them.

import { html } from 'lit';
import { language, t, vizLabels } from '../i18n/index.js';
import { memo } from '../shell/memo.js';

const EMPTY = Object.freeze([]);

/** The drawing's blocks, the same array until the stack, its description or the language changes. */
const networkLayers = memo((layers, description) => (layers ?? EMPTY).map((layer, i) => {
  const d = description?.layers?.[i];
  return { type: layer.type, name: t(`layer.${layer.type}`), outShape: d?.outShape ?? null, params: d?.params ?? 0, error: Boolean(d?.error) };
}), (layers, description) => [layers, description, language()]);

/** The network drawing across the top: a block opens its layer's row in the editor. */
export function networkSection(pg) {
  const description = pg.training.description;
  return html`<section class="card network" data-part="network">
    <nn-network-view .layers=${networkLayers(pg._draft?.layers, description)} .inputShape=${description?.inputShape ?? null}
      .example=${pg.live.example} .labels=${vizLabels('nn-network-view')}
      @layer-open=${(e) => pg.renderRoot.querySelector('nn-layer-editor')?.focusLayer(e.detail.index)}></nn-network-view>
  </section>`;
}

/** The runs kept in this browser: select to overlay, rename, delete (each said aloud). */
export function runsSection(pg) {
  const { history } = pg;
  return html`<section class="card runs" aria-labelledby="h-runs" data-part="runs">
    <h2 id="h-runs">${t('runs.title')}</h2>
    <nn-run-list .runs=${history.list(history.runs)} .currentId=${history.live?.kept ? history.live.id : ''} .selected=${history.selected}
      ?persistent=${history.persistent} .pageUrl=${pg.url.base()}
      @runs-select=${(e) => history.select(e.detail.selected)}
      @run-rename=${(e) => {
        history.rename(e.detail.id, e.detail.name);
        pg.announce(t('announce.renamed', { name: e.detail.name }));
      }}
      @run-delete=${(e) => {
        const record = history.remove(e.detail.id);
        if (record) pg.announce(t('announce.deleted', { name: record.name || t('runs.defaultName', { n: record.number }) }));
      }}></nn-run-list>
  </section>`;
}

/** Loss and accuracy of the live run and of the runs chosen in the list. */
export function metricsSection(pg) {
  const { history } = pg;
  const runs = history.chartRuns(pg.live.metricRuns, history.runs, history.selected, history.live);
  const e = pg.experiment;
  return html`<div class="metrics" data-part="charts">
    <section class="card" aria-label=${t('chart.loss')}>
      <nn-metric-chart id="loss-chart" data-view="loss" metric="loss" .runs=${runs} .classes=${e?.data.set === 'mnist' ? 10 : 2}
        .lossKind=${e?.loss.type ?? 'cross_entropy'} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
    </section>
    <section class="card" aria-label=${t('chart.accuracy')}>
      <nn-metric-chart id="accuracy-chart" data-view="accuracy" metric="accuracy" .runs=${runs} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
    </section>
  </div>`;
}
