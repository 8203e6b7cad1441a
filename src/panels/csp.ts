// The run panel's Content-Security-Policy, kept free of `vscode` so a plain test can hold
// it to its promises: nothing by default, only the nonce-tagged bundle runs, no inline or
// eval'd script, styles and fonts only from the extension's own files.
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The web components adopt constructed stylesheets; where a browser falls back to <style>
    // elements, Lit tags them with this nonce (webview/litNonce.ts).
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** 128 random bits as 32 hex digits: nothing in it needs escaping in HTML or the policy. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('hex');
}
