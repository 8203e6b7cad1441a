// The page the first-paint benchmark (bench/insightsPaint.ts) loads: the Insights panel's six
// figures (chart + table each) drawn with webview/insights/charts.ts from the aggregated data
// handed in as the panel's first message would be. It marks the frame after everything is drawn.
import { chartFigure } from '../webview/insights/charts';
import type { PaintData } from './insightsPaintData';

const w = window as unknown as { __insightsInput: PaintData; __insightsDrawn?: number; __insightsPainted?: number };
const data = w.__insightsInput;
const app = document.getElementById('app')!;
chartFigure(app, 'stackedBars', data.runsByStatus);
chartFigure(app, 'lines', data.successRate);
chartFigure(app, 'lines', data.duration);
chartFigure(app, 'bars', data.failingWorkflows, { height: 420 });
chartFigure(app, 'bars', data.tools, { height: 420 });
chartFigure(app, 'lines', data.tokensByModel);
w.__insightsDrawn = performance.now();
requestAnimationFrame(() => {
  w.__insightsPainted = performance.now();
});
