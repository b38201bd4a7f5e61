// index.js: registers every chart and inspection element; the page imports this once.

export { NnMetricChart, METRIC_CHART_LABELS } from './nn-metric-chart.js';
export { NnDistributionChart, DISTRIBUTION_CHART_LABELS } from './nn-distribution-chart.js';
export { NnGradNormChart, GRAD_NORM_CHART_LABELS } from './nn-grad-norm-chart.js';
export { NnConfusionMatrix, CONFUSION_MATRIX_LABELS } from './nn-confusion-matrix.js';
export { NnDigitGrid, DIGIT_GRID_LABELS } from './nn-digit-grid.js';
export { NnDrawPad, DRAW_PAD_LABELS } from './nn-draw-pad.js';
export { NnFilterImages, FILTER_IMAGES_LABELS } from './nn-filter-images.js';
export { NnDecisionBoundary, DECISION_BOUNDARY_LABELS, decisionGridPoints } from './nn-decision-boundary.js';
export { NnDeadUnitsChart, DEAD_UNITS_CHART_LABELS, RECTIFIER_LIKE } from './nn-dead-units-chart.js';
export { NnActivationStatsChart, ACTIVATION_STATS_CHART_LABELS } from './nn-activation-stats-chart.js';
export { NnNetworkView, NETWORK_VIEW_LABELS } from './nn-network-view.js';
export { default as VIZ_LABELS_ZH } from '../../i18n/zh/viz.js';
