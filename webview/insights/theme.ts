// Theme colours for the Insights charts, read from the --vscode-* custom properties VS Code
// hands every webview, at the moment a chart is drawn and again whenever the theme changes.
// A canvas cannot take `var(--x)`: it needs the resolved value, so each chart asks for it here.

/** A colour is always named by its CSS custom property, never as a literal: the theme decides. */
export type ThemeVariable = `--vscode-${string}`;

export const CHART_COLOURS = {
  red: '--vscode-charts-red',
  green: '--vscode-charts-green',
  blue: '--vscode-charts-blue',
  yellow: '--vscode-charts-yellow',
  orange: '--vscode-charts-orange',
  purple: '--vscode-charts-purple',
} as const satisfies Record<string, ThemeVariable>;

/** What the axes, grid and text of every chart take. */
export interface ChartTheme {
  readonly foreground: string;
  readonly background: string;
  readonly grid: string;
  readonly font: string;
}

// A theme that leaves a variable unset still gets a visible chart (never a black canvas on black).
const FALLBACK = '#888888';

/** The value of `variable` where `element` sits (a scoped override counts), or the foreground, or grey. */
export function resolveColour(variable: ThemeVariable, element: Element = document.documentElement): string {
  const style = getComputedStyle(element);
  return style.getPropertyValue(variable).trim() || style.getPropertyValue('--vscode-foreground').trim() || FALLBACK;
}

export function chartTheme(element: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(element);
  const foreground = style.getPropertyValue('--vscode-foreground').trim() || FALLBACK;
  const family = style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  return {
    foreground,
    background: style.getPropertyValue('--vscode-editor-background').trim() || 'transparent',
    grid: style.getPropertyValue('--vscode-charts-lines').trim() || style.getPropertyValue('--vscode-widget-border').trim() || FALLBACK,
    font: `11px ${family}`,
  };
}

const listeners = new Set<() => void>();
let observer: MutationObserver | undefined;

/**
 * Calls `onChange` after each theme change. VS Code switches themes by rewriting the `style`
 * attribute of <html> (the variables) and the class of <body> (vscode-light, vscode-dark,
 * vscode-high-contrast); one observer serves every chart. Returns the unsubscribe function.
 */
export function watchTheme(onChange: () => void): () => void {
  listeners.add(onChange);
  if (!observer) {
    observer = new MutationObserver(() => {
      for (const listener of [...listeners]) listener();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
  return () => {
    listeners.delete(onChange);
    if (listeners.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  };
}
