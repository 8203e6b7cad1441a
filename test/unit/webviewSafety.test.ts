import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, createNonce } from '../../src/panels/csp';
import { visible } from '../../webview/dom';

// The run panel's and the Insights panel's (webview/insights/ holds its charts).
const webviewFiles = ['webview', join('webview', 'insights')].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f)),
);

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('Run panel webview safety', () => {
  describe('Content-Security-Policy', () => {
    const policy = directives(contentSecurityPolicy('https://*.vscode-cdn.net', 'abc123'));

    it('allows nothing by default, so no connect-src: the webview cannot reach the network', () => {
      assert.deepEqual(policy.get('default-src'), ["'none'"]);
      assert.equal(policy.has('connect-src'), false);
    });

    it('runs only the nonce-tagged script: no inline, no eval, no other origin', () => {
      assert.deepEqual(policy.get('script-src'), ["'nonce-abc123'"]);
      assert.doesNotMatch(contentSecurityPolicy('x', 'n'), /unsafe-inline|unsafe-eval|\*(?!\.vscode)/);
    });

    it('takes styles only from the extension and the nonce', () => {
      assert.deepEqual(policy.get('style-src'), ['https://*.vscode-cdn.net', "'nonce-abc123'"]);
    });

    it('makes a fresh, unguessable nonce for every page', () => {
      const nonces = new Set(Array.from({ length: 1000 }, createNonce));
      assert.equal(nonces.size, 1000);
      for (const n of nonces) assert.match(n, /^[0-9a-f]{32}$/);
    });
  });

  describe('webview sources', () => {
    it('exist', () => assert.ok(webviewFiles.length >= 5));

    it('never parse markup: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
      for (const file of webviewFiles) assert.doesNotMatch(readFileSync(file, 'utf8'), /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, file);
    });

    it('make no network calls', () => {
      for (const file of webviewFiles) assert.doesNotMatch(readFileSync(file, 'utf8'), /\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import\(/, file);
    });

    it('import only the protocol, plain core helpers, each other and the web components', () => {
      for (const file of webviewFiles) {
        for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'|import\s+'([^']+)'/g)) {
          const spec = match[1] ?? match[2]!;
          assert.match(
            spec,
            /^(\.\/\w+|\.\/insights\/[\w.]+|\.\.\/(dom|format)|(\.\.\/)+src\/panels\/(protocol|insightsProtocol)|(\.\.\/)+src\/insights\/model|(\.\.\/)+src\/core\/(duration|format|runState|model|locale)|@vscode\/l10n|@vscode-elements\/elements\/dist\/[\w-]+\/index\.js|uplot|uplot\/dist\/uPlot\.min\.css)$/,
            `${file}: ${spec}`,
          );
        }
      }
    });
  });

  describe('text the panel shows', () => {
    it('shows bidi overrides and terminal escapes as visible stand-ins instead of obeying them', () => {
      assert.equal(visible('invoice_\u202Egnp.exe'), 'invoice_⟨U+202E⟩gnp.exe');
      assert.equal(visible('ansi \u001b[31mred\u001b[0m'), 'ansi ⟨U+001B⟩[31mred⟨U+001B⟩[0m');
      assert.equal(visible('null\u0000byte'), 'null⟨U+0000⟩byte');
    });

    it('leaves ordinary text alone: line breaks, tabs, right-to-left script, emoji', () => {
      for (const text of ['line1\nline2\r\nline3\ttab', 'مرحبا \u200Fبالعالم\u200E (RTL)', '🚀🔥 👩‍👩‍👧‍👦', '<img src=x onerror=alert(1)>']) assert.equal(visible(text), text);
    });
  });
});
