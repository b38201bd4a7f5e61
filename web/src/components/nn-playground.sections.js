// nn-playground.sections.js: the page's sections, drawn from the shell's state: the network
// drawing across the top, the loss and accuracy charts, the lesson, the exports, the list of runs,
// the drawer with the layer editor and the settings (and the buttons that open it), and a phone's
// tab bar. Each takes the shell (its controllers and its draft) and returns a template; the shell
// places them. data-tab names the phone's tab a section belongs to (shell/layout.js).

import { html, nothing } from 'lit';
import { language, t, vizLabels } from '../i18n/index.js';
import { memo } from '../shell/memo.js';
import { TABS } from '../shell/layout.js';
import './nn-threads-control.js';

const EMPTY = Object.freeze([]);

/** The drawing's blocks, the same array until the stack, its description or the language changes. */
const networkLayers = memo((layers, description) => (layers ?? EMPTY).map((layer, i) => {
  const d = description?.layers?.[i];
  return { type: layer.type, name: t(`layer.${layer.type}`), outShape: d?.outShape ?? null, params: d?.params ?? 0, error: Boolean(d?.error) };
}), (layers, description) => [layers, description, language()]);

/** The network drawing across the top: a block opens the drawer at its layer's row in the editor. */
export function networkSection(pg) {
  const description = pg.training.description;
  return html`<section class="card network" id="sec-network" data-part="network" data-tab="model">
    <nn-network-view .layers=${networkLayers(pg._draft?.layers, description)} .inputShape=${description?.inputShape ?? null}
      .example=${pg.live.example} .labels=${vizLabels('nn-network-view')}
      @layer-open=${(e) => pg.openDrawerAt({ layer: e.detail.index })}></nn-network-view>
  </section>`;
}

/**
 * The drawer: the layer editor and the settings, one click away from the first screen (beside the
 * page on a laptop, over it on a tablet, a phone's Model tab). Escape or Close shuts it and hands
 * focus back to what opened it. In an embedding it is part of the page, always shown.
 */
export function drawerSection(pg, { showModel, showSettings, applied, inline }) {
  const locked = applied?.lock ?? EMPTY;
  const hidden = applied?.hide ?? EMPTY;
  const { layout } = pg;
  const shown = inline || layout.drawerShown;
  const onKey = (e) => {
    if (e.key === 'Escape' && !inline && !layout.phone && !e.defaultPrevented) {
      e.preventDefault();
      layout.close();
    }
  };
  return html`<aside id="drawer" class="drawer ${inline ? 'inline' : ''}" aria-labelledby="h-drawer" data-tab="model" ?hidden=${!shown} @keydown=${onKey}>
    <div class="drawer-head">
      <h2 id="h-drawer" tabindex="-1">${t('layout.drawer')}</h2>
      ${inline || layout.phone ? nothing : html`<button type="button" class="close" @click=${() => layout.close()}>${t('layout.close')}</button>`}
    </div>
    ${showModel
      ? html`<section class="card" aria-labelledby="h-layers" data-part="model">
          <h2 id="h-layers">${t('layers.title')}${locked.includes('layers') ? html` <span class="lock">${t('lock.marker')}</span>` : nothing}</h2>
          <nn-layer-editor .layers=${pg._draft?.layers ?? []} .description=${pg.training.description}
            .errors=${pg.layerErrors(pg._errors)} .batchSize=${pg._draft?.batch_size ?? 64} ?disabled=${locked.includes('layers')}
            @layers-change=${(e) => pg.edit({ ...pg._draft, layers: e.detail.layers })}></nn-layer-editor>
        </section>`
      : nothing}
    ${showSettings
      ? html`<section class="card" aria-labelledby="h-settings" data-part="settings">
          <h2 id="h-settings" tabindex="-1">${t('settings.title')}</h2>
          <nn-settings-panel .experiment=${pg._draft} .errors=${pg.settingErrors(pg._errors)} .locked=${locked} .hidden=${hidden}
            @experiment-change=${(e) => pg.edit(e.detail.experiment, e.detail)}></nn-settings-panel>
          ${threadsControl(pg)}
        </section>`
      : nothing}
  </aside>`;
}

/** The threads that train (a page in another's frame that is not isolated is told why). */
function threadsControl(pg) {
  const { wanted, running, max, reason } = pg.training.threads;
  const why = reason === 'isolation' && window.top !== window ? 'frame' : reason;
  return html`<nn-threads-control .value=${wanted} .running=${running} .max=${max} .reason=${why}
    @threads-change=${(e) => pg.setThreads(e.detail.threads)}></nn-threads-control>`;
}

/** "Edit model" and "Settings": each opens (or closes) the drawer, at its top or at the settings. */
export function drawerButtons(pg) {
  const open = pg.layout.drawerShown;
  const press = (e, target) => (open ? pg.layout.close() : pg.openDrawerAt(target, e.currentTarget));
  return html`<span class="drawer-buttons">
    <button type="button" aria-controls="drawer" aria-expanded=${open ? 'true' : 'false'} @click=${(e) => press(e, {})}>${t('layout.editModel')}</button>
    <button type="button" aria-controls="drawer" aria-expanded=${open ? 'true' : 'false'} @click=${(e) => press(e, { settings: true })}>${t('settings.title')}</button>
  </span>`;
}

/** The id of the section a phone's tab controls (the first of those it shows). */
const TAB_PANELS = { train: 'sec-controls', model: 'drawer', charts: 'sec-charts', lesson: 'sec-lesson' };

/**
 * A phone's tab bar (fixed at the bottom, in reach of a thumb): one tab per section the page has
 * (`available`: tab -> shown); the arrows, Home and End move between them.
 */
export function tabBar(pg, available) {
  const { layout } = pg;
  const tabs = TABS.filter((tab) => available[tab]);
  const go = (tab) => {
    layout.setTab(tab);
    pg.updateComplete.then(() => pg.renderRoot.querySelector(`#tab-${tab}`)?.focus());
  };
  const onKey = (e) => {
    const i = tabs.indexOf(layout.tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    go(tabs[(next + tabs.length) % tabs.length]);
  };
  return html`<div class="tabs" role="tablist" aria-label=${t('layout.tabs')} @keydown=${onKey}>
    ${tabs.map((tab) => {
      const selected = tab === layout.tab;
      return html`<button type="button" role="tab" id="tab-${tab}" aria-selected=${selected ? 'true' : 'false'} tabindex=${selected ? '0' : '-1'}
        aria-controls=${TAB_PANELS[tab]} @click=${() => { layout.setTab(tab); window.scrollTo(0, 0); }}>${t(`layout.tab.${tab}`)}</button>`;
    })}
  </div>`;
}

/** The lesson panel: the lesson chosen (or the one whose experiment this is), its runs and what they measured. */
export function lessonSection(pg, lesson) {
  const { lessons } = pg;
  return html`<section class="card lesson" id="sec-lesson" aria-labelledby="h-lesson" data-part="lesson" data-lesson=${lesson} data-tab="lesson">
    <h2 id="h-lesson">${t('lessons.title')}</h2>
    <nn-lesson-panel .lesson=${lesson} .current=${pg.presetId()} .progress=${lessons.progress} .results=${lessons.results}
      .history=${lessons.history} .outcome=${lessons.outcome} ?disabled=${pg.training.status === 'loading' && !pg.training.info}
      @lesson-change=${(e) => lessons.choose(e.detail.lesson)}
      @lesson-load=${(e) => lessons.load(e.detail.lesson, e.detail.experiment)}
      @lesson-run=${(e) => lessons.run(e.detail.lesson)}
      @lesson-stop=${() => lessons.stop()}></nn-lesson-panel>
  </section>`;
}

/**
 * Below the charts: the "Live charts" switch (a slow computer trains faster with them resting) and
 * the exports (a PyTorch script, the weights).
 */
export function exportsSection(pg, applied) {
  const { training, exports, views } = pg;
  const { info, status } = training;
  return html`<section class="card exports" data-part="exports" data-tab="train">
    <div class="live-charts">
      <label><input type="checkbox" role="switch" id="live-charts" .checked=${views.live} aria-describedby="live-charts-note"
        @change=${(e) => pg.setLiveCharts(e.target.checked)} />${t('run.liveCharts')}</label>
      <span id="live-charts-note" class="note">${t(views.live ? 'run.liveChartsOn' : 'run.liveChartsOff')}</span>
    </div>
    <nn-export-bar ?ready=${Boolean(info) && status !== 'loading' && status !== 'invalid'} ?busy=${exports.busy} ?homework=${Boolean(applied)}
      .message=${exports.message} @export-pytorch=${() => exports.pytorch()} @download-weights=${() => exports.weights()}
      @upload-weights=${(e) => exports.upload(e.detail.file)}></nn-export-bar>
  </section>`;
}

/** The runs kept in this browser: select to overlay, rename, delete (each said aloud). */
export function runsSection(pg) {
  const { history } = pg;
  return html`<section class="card runs" aria-labelledby="h-runs" data-part="runs" data-tab="charts">
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
  // A phone's plots are shorter, so that Train and the loss chart share its first screen.
  const height = pg.layout.phone && !pg.url.embed ? 150 : 220;
  return html`<div class="metrics" id="sec-charts" data-part="charts" data-tab="train">
    <section class="card" aria-label=${t('chart.loss')}>
      <nn-metric-chart id="loss-chart" data-view="loss" metric="loss" .height=${height} .runs=${runs} .classes=${e?.data.set === 'mnist' ? 10 : 2}
        .lossKind=${e?.loss.type ?? 'cross_entropy'} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
    </section>
    <section class="card" aria-label=${t('chart.accuracy')}>
      <nn-metric-chart id="accuracy-chart" data-view="accuracy" metric="accuracy" .height=${height} .runs=${runs} .labels=${vizLabels('nn-metric-chart')}></nn-metric-chart>
    </section>
  </div>`;
}
