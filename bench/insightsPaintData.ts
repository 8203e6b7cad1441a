// The figures the Insights panel's first-paint benchmark draws: what 150,000 indexed runs
// aggregate to (90 daily buckets by status, success rate, duration percentiles, 20 workflows,
// 20 tools, tokens a day for 5 models). Generated from a fixed seed so every run of the
// benchmark and every chart library compared draws the same numbers; plain JSON so it can be
// handed to the page as the panel's message would be.

import type { ChartData } from '../webview/insights/chartData';

/** Colours are CSS custom properties, resolved in the page: the panel takes theme colours, never literals. */
export type PaintChart = ChartData;

export interface PaintData {
  readonly runs: number;
  readonly runsByStatus: PaintChart;
  readonly successRate: PaintChart;
  readonly duration: PaintChart;
  readonly failingWorkflows: PaintChart;
  readonly tools: PaintChart;
  readonly tokensByModel: PaintChart;
}

/** mulberry32: a small, fixed, well-spread generator (the numbers only need to look real). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function paintData(totalRuns = 150_000, days = 90): PaintData {
  const next = random(12);
  const start = Date.UTC(2026, 7, 1);
  const labels = Array.from({ length: days }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  // Weekdays busier than weekends, and a slow rise: the shape real schedules give.
  const weights = labels.map((_, i) => ((i + 5) % 7 < 2 ? 0.45 : 1) * (0.8 + (0.4 * i) / days) * (0.9 + 0.2 * next()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const perDay = weights.map((w) => Math.round((w / sum) * totalRuns));
  perDay[days - 1]! += totalRuns - perDay.reduce((a, b) => a + b, 0);
  const failed = perDay.map((n, i) => Math.round(n * (0.04 + 0.05 * next() + (i > 60 && i < 66 ? 0.12 : 0))));
  const cancelled = perDay.map((n) => Math.round(n * 0.01 * next()));
  const running = perDay.map((_, i) => (i === days - 1 ? 7 : 0));
  const succeeded = perDay.map((n, i) => n - failed[i]! - cancelled[i]! - running[i]!);
  const p50 = labels.map(() => Math.round(1800 + 600 * next()));
  const p95 = p50.map((v) => Math.round(v * (3 + 2 * next())));
  const max = p95.map((v) => Math.round(v * (2 + 6 * next())));
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${String(i + 1).padStart(2, '0')}`);
  const workflows = names('Sync contacts to CRM', 20);
  const tools = ['read_file', 'write_file', 'search', 'run_tests', 'shell', 'http_get', 'grep', 'list_dir', 'git_diff', 'git_commit', ...names('mcp tool', 10)];
  const models = ['gpt-5', 'claude-sonnet-4.5', 'gemini-2.5-pro', 'deepseek-v3', 'llama-4'];
  const modelColours: ChartData['series'][number]['colour'][] = [
    '--vscode-charts-blue',
    '--vscode-charts-purple',
    '--vscode-charts-green',
    '--vscode-charts-orange',
    '--vscode-charts-yellow',
  ];
  const descending = (n: number, top: number) =>
    Array.from({ length: n }, () => Math.round(top * (0.05 + next())))
      .sort((a, b) => b - a)
      .map((v) => v);
  return {
    runs: totalRuns,
    runsByStatus: {
      title: 'Runs per day by status',
      labelHeading: 'Day',
      labels,
      series: [
        { name: 'succeeded', colour: '--vscode-charts-green', values: succeeded },
        { name: 'failed', colour: '--vscode-charts-red', values: failed },
        { name: 'cancelled', colour: '--vscode-charts-yellow', values: cancelled },
        { name: 'running', colour: '--vscode-charts-blue', values: running },
      ],
    },
    successRate: {
      title: 'Success rate per day (%)',
      labelHeading: 'Day',
      unit: 'percent',
      labels,
      series: [{ name: 'success rate', colour: '--vscode-charts-green', values: perDay.map((n, i) => Math.round((succeeded[i]! / Math.max(1, n - running[i]!)) * 1000) / 10) }],
    },
    duration: {
      title: 'Duration per day (ms)',
      labelHeading: 'Day',
      unit: 'ms',
      labels,
      series: [
        { name: 'p50', colour: '--vscode-charts-blue', values: p50 },
        { name: 'p95', colour: '--vscode-charts-orange', values: p95 },
        { name: 'max', colour: '--vscode-charts-red', values: max },
      ],
    },
    failingWorkflows: {
      title: 'Most-failing workflows',
      labelHeading: 'Workflow',
      labels: workflows,
      series: [{ name: 'failed runs', colour: '--vscode-charts-red', values: descending(20, 900) }],
    },
    tools: { title: 'Tool usage', labelHeading: 'Tool', labels: tools, series: [{ name: 'steps', colour: '--vscode-charts-purple', values: descending(20, 40_000) }] },
    tokensByModel: {
      title: 'Tokens per day by model',
      labelHeading: 'Day',
      unit: 'tokens',
      labels,
      series: models.map((name, m) => ({ name, colour: modelColours[m]!, values: labels.map(() => Math.round(2_000_000 * (0.2 + next()) * (1 - m * 0.15))) })),
    },
  };
}
