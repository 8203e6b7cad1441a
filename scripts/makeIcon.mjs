// Makes media/icon.png, the 128×128 icon the Extensions view and the details page show:
// the activity-bar glyph (media/task-history.svg, a clock turning back) drawn white on a
// rounded tile, with a red dot for the failed run the extension helps to explain. The PNG is
// committed; run this again only when the design changes: `node scripts/makeIcon.mjs`.
// It renders through the Chromium that playwright-core already drives for the e2e tests
// (scripts/vscode-host.mjs installs it; TH_CHROMIUM overrides the path), so the icon needs
// no image library and stays a faithful rendering of the SVG.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { hostPaths } from './vscode-host.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 128;
const glyphFile = join(root, 'media', 'task-history.svg');
const out = join(root, 'media', 'icon.png');

/** The glyph's paths, taken from the activity-bar icon so the two never drift apart. */
function glyphPaths() {
  const svg = readFileSync(glyphFile, 'utf8');
  const paths = [...svg.matchAll(/<path\s+d="([^"]+)"\s*\/>/g)].map((m) => m[1]);
  if (paths.length === 0) throw new Error(`no <path d="…"/> in ${glyphFile}`);
  return paths;
}

/** The icon as SVG: a 24-unit glyph scaled into a 128-pixel tile with a margin. */
function iconSvg() {
  const paths = glyphPaths()
    .map((d) => `<path d="${d}"/>`)
    .join('');
  // The glyph's 24 units fill 80 of the 128 pixels (scale 10/3), centred.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2f6fb3"/>
      <stop offset="1" stop-color="#1b3f6e"/>
    </linearGradient>
  </defs>
  <rect x="4" y="4" width="120" height="120" rx="24" fill="url(#tile)"/>
  <g transform="translate(24 24) scale(3.3333)" fill="none" stroke="#ffffff" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">${paths}</g>
  <circle cx="96" cy="96" r="15" fill="#e5484d" stroke="#1b3f6e" stroke-width="5"/>
</svg>`;
}

async function main() {
  const executablePath = process.env.TH_CHROMIUM || hostPaths().chromium;
  if (!existsSync(executablePath)) {
    process.stderr.write(`makeIcon: no Chromium at ${executablePath}; install it with \`node scripts/vscode-host.mjs\` (or set TH_CHROMIUM).\n`);
    return 1;
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${iconSvg()}</body></html>`);
    const png = await page.locator('svg').screenshot({ omitBackground: true, type: 'png' });
    // A PNG's IHDR holds the width and height at bytes 16 and 20.
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    if (width !== SIZE || height !== SIZE) throw new Error(`rendered ${width}×${height}, expected ${SIZE}×${SIZE}`);
    writeFileSync(out, png);
    process.stdout.write(`${out} (${width}×${height}, ${png.length} bytes)\n`);
  } finally {
    await browser.close();
  }
  return 0;
}

process.exitCode = await main();
