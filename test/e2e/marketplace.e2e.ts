// The installed extension's details page (Extensions view → Task History Explorer → Details),
// as a user who installed the .vsix sees it offline: the icon from package.json, the README
// from the .vsix, and its screenshots. The README in the .vsix keeps relative links
// (`vsce package --no-rewrite-relative-links`) and the screenshots are packaged
// (.vscodeignore), so nothing here may come from the network.
//
// What VS Code (1.139) does with them: the details page renders the README through its
// sanitizer with the media protocols http and https only and no relative paths
// (markdownDocumentRenderer → domSanitize: allowRelativeMediaPaths unset), inside a webview
// whose CSP is `img-src https: data:`. A relative `src` is removed, a `data:` one too, an
// `http:` one is blocked: offline, no README image can show there. The last spec holds that
// fact, so the day VS Code resolves a local extension's relative images it fails and is
// turned into "each screenshot loaded" (CONTRIBUTING.md, The Marketplace page).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame } from 'playwright-core';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

const ROOT = resolve(__dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The README's images: `![alt](path)`, in order. */
function readmeImages(): { alt: string; path: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => ({ alt: m[1], path: m[2] }));
}

interface ShownImage {
  readonly alt: string;
  readonly src: string | null;
  readonly naturalWidth: number;
}

describe('Marketplace: the installed extension’s details page', function () {
  let workbench: Workbench;
  let readme: Frame;

  /** Every <img> of the details page's README once each has finished (loaded or failed). */
  async function shownImages(): Promise<ShownImage[]> {
    await readme.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    return readme.evaluate(() => Array.from(document.images).map((img) => ({ alt: img.alt, src: img.getAttribute('src'), naturalWidth: img.naturalWidth })));
  }

  before(async function () {
    workbench = await launchWorkbench({ vsix: packageExtension() });
    await workbench.waitForActivation();
    await workbench.runCommand('Extensions: Show Installed Extensions');
    const row = workbench.page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Task History Explorer' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();
    await workbench.page.locator('.extension-editor').waitFor({ state: 'visible', timeout: 30_000 });
    // The Details tab renders the README in a webview; its first heading is the extension's name.
    readme = await workbench.webviewFrame('Requirements', 60_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`test-results/marketplace-failure-${this.currentTest.title.replace(/\W+/g, '-')}.png`).catch(() => undefined);
      console.log(workbench.logs());
    }
  });

  after(async function () {
    await workbench?.close();
  });

  it('shows the icon from package.json in the page header', async function () {
    const icon = workbench.page.locator('.extension-editor .header img.icon').first();
    await icon.waitFor({ state: 'visible' });
    await workbench.page.waitForFunction((img) => (img as HTMLImageElement).complete, await icon.elementHandle());
    const shown = await icon.evaluate((img: HTMLImageElement) => ({ src: img.src, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight }));
    assert.match(decodeURIComponent(shown.src), /\/task-history-explorer\.task-history-explorer-[^/]+\/media\/icon\.png/, JSON.stringify(shown));
    assert.deepEqual([shown.naturalWidth, shown.naturalHeight], [128, 128], JSON.stringify(shown));
  });

  it('renders the README from the .vsix: an <img> for each screenshot, each packaged in the installed extension', async function () {
    const expected = readmeImages();
    assert.ok(expected.length >= 3, `the README shows ${expected.length} images`);
    const shown = await shownImages();
    const installed = join(workbench.extensionsDir, `task-history-explorer.task-history-explorer-${version}`);
    for (const image of expected) {
      assert.ok(
        shown.some((s) => s.alt === image.alt),
        `no <img> for ${image.path} in the details page; images: ${JSON.stringify(shown)}`,
      );
      assert.ok(existsSync(join(installed, image.path)), `${image.path} is not in the installed extension (${installed})`);
    }
  });

  it('VS Code drops the relative src of each README screenshot (offline they cannot show: see the top of this file)', async function () {
    const shown = await shownImages();
    for (const image of readmeImages()) {
      const match = shown.find((s) => s.alt === image.alt);
      assert.ok(match, `no <img> for ${image.path}`);
      // If this fails because the image loaded, VS Code now shows local README images: assert naturalWidth > 0 here instead.
      assert.deepEqual({ src: match.src, naturalWidth: match.naturalWidth }, { src: null, naturalWidth: 0 }, `${image.path}: ${JSON.stringify(match)}`);
    }
  });

  it('shows the screenshots offline in the "Get Started with Task History" walkthrough, each loaded from the installed extension', async function () {
    // Where VS Code shows an extension's own images offline: a walkthrough's media. Its steps
    // use the README's screenshots, so a user who installed the .vsix without network sees them.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { walkthroughs: { steps: { media: { image: string } }[] }[] } };
    const images = [...new Set(manifest.contributes.walkthroughs[0]!.steps.map((step) => step.media.image))];
    assert.deepEqual(
      images.sort(),
      readmeImages()
        .map((i) => i.path)
        .sort(),
      'the walkthrough shows the README’s screenshots',
    );
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await workbench.quickInput('Get Started with Task History', { pick: 'Get Started with Task History' });
    const page = workbench.page;
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
    const seen = new Set<string>();
    for (let i = 0; i < (await steps.count()); i++) {
      // Each step shows its own image when it is selected.
      await steps.nth(i).click();
      const img = page.locator('.gettingStartedContainer .getting-started-media img').first();
      await img.waitFor({ state: 'visible', timeout: 30_000 });
      await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
      // VS Code gives the image as a srcset ("… 1.5x"): currentSrc is the one loaded.
      const shown = await img.evaluate((el: HTMLImageElement) => ({ src: decodeURIComponent(el.currentSrc), naturalWidth: el.naturalWidth }));
      assert.match(shown.src, /\/task-history-explorer\.task-history-explorer-[^/]+\/docs\/screenshots\/[a-z]+\.png/, JSON.stringify(shown));
      assert.ok(shown.naturalWidth > 0, JSON.stringify(shown));
      seen.add(/docs\/screenshots\/[a-z]+\.png/.exec(shown.src)![0]);
    }
    assert.deepEqual([...seen].sort(), images, 'every screenshot was shown by a step');
  });
});
