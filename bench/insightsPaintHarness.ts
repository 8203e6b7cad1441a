// A page as the Insights panel's webview will be: the run panel's Content-Security-Policy
// (src/panels/csp.ts, the same function), one nonce-tagged IIFE bundle, stylesheets from
// the "extension" origin, theme colours as --vscode-* custom properties. Served to headless
// Chromium from memory by a loopback HTTP server (as VS Code serves a webview's files from its
// own origin; Playwright's request interception would add a round trip to Node per file), with
// every CSP violation the page reports collected. Used by the first-paint benchmark (bench/insightsPaint.ts) and the charts' tests
// (test/unit/insightsCharts.test.ts), so both hold the charts to the same page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy, createNonce } from '../src/panels/csp';

/** Debian's Chromium, as the e2e suite drives it (scripts/vscode-host.mjs); TH_CHROMIUM overrides. */
export const CHROMIUM = process.env['TH_CHROMIUM'] ?? '/usr/bin/chromium';
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** VS Code's Dark Modern values, the colours a webview is handed. */
export const DARK_THEME: Readonly<Record<string, string>> = {
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
}

export interface Bundle {
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The stylesheets the entry imports, bundled (esbuild writes them beside the script, as dist/insights.css). */
  readonly css: string;
}

/** The entry as the webview bundle is built (esbuild.mjs: browser IIFE, es2022), minified as `npm run package` ships it. */
export async function bundle(entry: string, globalName?: string): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    // An entry that imports stylesheets gets them as a .css output beside the script.
    outdir: 'out',
    logLevel: 'silent',
    ...(globalName ? { globalName } : {}),
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  return { code, css, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

export interface PageOptions {
  readonly script: string;
  /** Stylesheets served from the extension origin, linked in this order. */
  readonly styles?: readonly string[];
  readonly theme?: Readonly<Record<string, string>>;
  /** Handed to the page as `window.__insightsInput` before the bundle runs (the panel's first message). */
  readonly input?: unknown;
  readonly viewport?: { width: number; height: number };
  /**
   * The page is a panel's webview (webview/insightsMain.ts): it gets `acquireVsCodeApi()`, and
   * `message` is posted to it when it says it is ready, as the extension answers. Its <main>
   * holds `placeholder` until then, as panelHtml writes it.
   */
  readonly panel?: { readonly message: unknown; readonly placeholder: string };
}

export interface ChartPage {
  readonly page: Page;
  /** Every securitypolicyviolation the page reported so far, as "directive: blocked URI (sample)". */
  violations(): Promise<string[]>;
  /** Errors thrown in the page or logged to its console. */
  readonly errors: string[];
  /** The origin the page's files come from, standing in for the webview's `cspSource`. */
  readonly origin: string;
  close(): Promise<void>;
}

function serve(files: ReadonlyMap<string, { type: string; body: string }>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = files.get(path);
    // Chromium asks for a favicon on its own; a webview has none, and a 404 would log an error.
    response.writeHead(file ? 200 : path === '/favicon.ico' ? 204 : 404, { 'content-type': file?.type ?? 'text/plain', 'cache-control': 'no-store' });
    response.end(file?.body ?? '');
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

export async function openChartPage(browser: Browser, options: PageOptions): Promise<ChartPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Listening from the document's first moment: a violation during parsing counts too.
  await page.addInitScript((input) => {
    const w = window as unknown as { __cspViolations: string[]; __insightsInput: unknown };
    w.__cspViolations = [];
    w.__insightsInput = input;
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`.trim()));
  }, options.input ?? null);
  if (options.panel) {
    // As text, not a function: tsx would carry its __name helper into the page.
    await page.addInitScript({
      content: `(() => {
  // A string parsed when needed, as VS Code hands a webview its messages (serialized): a 0.5 MB
  // object literal would cost the page more to compile than the panel's own message costs it.
  const text = ${JSON.stringify(JSON.stringify(options.panel.message))};
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      window.__posted.push(m);
      // The extension's answer comes as a message event, as VS Code delivers it.
      if (m.type === 'ready') window.postMessage(JSON.parse(text), '*');
    },
    getState() { return window.__state; },
    setState(state) { window.__state = state; },
  });
  // The paint of the panel's heading is the paint of its figures (drawn in the same task):
  // Element Timing gives its time. Marked as it is added, before it can be painted.
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeName === 'H1') n.setAttribute('elementtiming', 'insights-shown');
  }).observe(document, { childList: true, subtree: true });
  // Chromium hands Element Timing entries to observers only.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.identifier === 'insights-shown') window.__insightsShown = e.renderTime;
  }).observe({ type: 'element', buffered: true });
})();`,
    });
  }
  const nonce = createNonce();
  const theme = `:root {\n${Object.entries(options.theme ?? DARK_THEME)
    .map(([k, v]) => `  ${k}: ${v};`)
    .join(
      '\n',
    )}\n}\nbody { margin: 0; padding: 16px; background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }\n`;
  const styles = [theme, ...(options.styles ?? [])];
  const files = new Map<string, { type: string; body: string }>();
  const server = await serve(files);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(origin, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((_, i) => `<link rel="stylesheet" href="${origin}/style${i}.css">`).join('\n')}
<title>Insights</title>
</head>
<body>
<main id="app"${options.panel ? ` aria-busy="true"><p class="placeholder">${options.panel.placeholder}</p>` : '>'}</main>
<script nonce="${nonce}" src="${origin}/main.js"></script>
</body>
</html>`;
  files.set('/index.html', { type: 'text/html; charset=utf-8', body: html });
  files.set('/main.js', { type: 'text/javascript; charset=utf-8', body: options.script });
  styles.forEach((css, k) => files.set(`/style${k}.css`, { type: 'text/css; charset=utf-8', body: css }));
  // No request interception: it would send every request through Node. Anything from elsewhere
  // (a library reaching for a CDN or a font) is refused by the CSP and shows up as a violation.
  await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
  return {
    page,
    errors,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.slice()),
    origin: origin,
    close: async () => {
      await context.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
