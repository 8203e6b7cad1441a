// Must be the first import of main.ts: Lit reads `litNonce` when it first needs a <style>
// element (browsers without constructed stylesheets), and the CSP only admits our nonce.
// The nonce is the one on the <script> tag that is running right now.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
if (nonce) (globalThis as { litNonce?: string }).litNonce = nonce;

export {};
