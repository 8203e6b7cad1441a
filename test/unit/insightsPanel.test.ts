// The Insights panel's plain parts: the messages it accepts from its webview (anything else is
// dropped), the figures it draws from a real computation over a synced index (their numbers
// add up to the emulator's truth), and an error signature as Markdown (API text stays text).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureRunIds } from '../../src/insights/errors';
import { computeInsights } from '../../src/insights/insights';
import type { ErrorSignature } from '../../src/insights/model';
import { escapeMarkdown, signatureMarkdown } from '../../src/panels/insightsMarkdown';
import { parseFromInsightsWebview, parseScopeState } from '../../src/panels/insightsProtocol';
import { RunIndex } from '../../src/runIndex/runIndex';
import { syncSource } from '../../src/runIndex/sync';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { figuresOf, keyLabel } from '../../webview/insightsFigures';
import { useEmulator } from './support/emulatorFixture';

describe('Insights panel', () => {
  describe('messages from the webview', () => {
    it('accepts the known messages, checked field by field', () => {
      assert.deepEqual(parseFromInsightsWebview({ type: 'ready' }), { type: 'ready' });
      assert.deepEqual(parseFromInsightsWebview({ type: 'setBucket', bucket: 'hour' }), { type: 'setBucket', bucket: 'hour' });
      assert.deepEqual(parseFromInsightsWebview({ type: 'openRun', sourceId: 's', runId: 'r', stepId: 'x' }), { type: 'openRun', sourceId: 's', runId: 'r', stepId: 'x' });
      assert.deepEqual(parseFromInsightsWebview({ type: 'signature', action: 'copyMarkdown', sourceId: 's', signature: 'sig' }), {
        type: 'signature',
        action: 'copyMarkdown',
        sourceId: 's',
        signature: 'sig',
      });
    });

    it('drops anything else: unknown types and actions, missing or oversized fields, prototypes', () => {
      for (const raw of [
        null,
        'ready',
        { type: 'eval', code: '1' },
        { type: 'setBucket', bucket: 'week' },
        { type: 'openRun', sourceId: 's' },
        { type: 'openRun', sourceId: 's', runId: 'x'.repeat(5000) },
        { type: 'signature', action: 'delete', sourceId: 's', signature: 'x' },
        { type: 'nameWorkflow', workflowId: 42 },
        JSON.parse('{"__proto__": {"type": "ready"}}') as unknown,
      ]) {
        assert.equal(parseFromInsightsWebview(raw), undefined, JSON.stringify(raw));
      }
    });

    it("restores a saved scope, and refuses one that is not the panel's", () => {
      assert.deepEqual(parseScopeState({ sourceIds: ['a'], bucket: 'hour' }), { sourceIds: ['a'], bucket: 'hour' });
      assert.deepEqual(parseScopeState({ sourceIds: [], bucket: 'nonsense' }), { sourceIds: [], bucket: 'day' });
      assert.equal(parseScopeState({ sourceIds: [1] }), undefined);
      assert.equal(parseScopeState(undefined), undefined);
    });
  });

  describe('figures from a synced index', function () {
    this.timeout(120_000);
    const emulator = useEmulator({ paragonExecutions: 900, disperslTasks: 150 });
    let dir: string;
    let index: RunIndex;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'thx-insights-panel-'));
      index = RunIndex.open(join(dir, 'runs.db'));
    });
    afterEach(() => {
      index.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("Paragon: the runs per day add up to the truth's runs and failures; the figures are Paragon's; named workflows show by name", async () => {
      const e = emulator();
      const source = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
      await syncSource({ sourceId: 'p', source, index, since: 'all', integrations: e.truth.integrations });
      const data = computeInsights({ index, sourceId: 'p', kind: 'paragon', query: {} }, { bucket: 'day' });
      const [workflow] = data.byWorkflow;
      const names = new Map([[workflow!.key!, 'Sync <b>contacts</b>']]);
      const figures = figuresOf(data, names);
      assert.deepEqual(
        figures.map((f) => f.id),
        ['runs-over-time', 'success-over-time', 'duration-over-time', 'slowest', 'most-failing', 'by-integration', 'by-workflow', 'by-user'],
      );
      const perDay = figures.find((f) => f.id === 'runs-over-time')!.data;
      const sum = (name: string) => perDay.series.find((s) => s.name === name)!.values.reduce<number>((n, v) => n + (v ?? 0), 0);
      const total = perDay.series.reduce((n, s) => n + s.values.reduce<number>((m, v) => m + (v ?? 0), 0), 0);
      assert.equal(total, e.truth.paragonIds({}).length);
      assert.equal(sum('Failed'), e.truth.paragonIds({ status: 'FAILED' }).length);
      assert.equal(sum('Succeeded'), e.truth.paragonIds({ status: 'SUCCEEDED' }).length);
      const byIntegration = figures.find((f) => f.id === 'by-integration')!.data;
      for (const integration of e.truth.integrations) {
        const at = byIntegration.labels.indexOf(integration);
        assert.ok(at >= 0, integration);
        assert.equal(byIntegration.series.find((s) => s.name === 'Runs')!.values[at], e.truth.paragonIds({ integration }).length, integration);
      }
      const byWorkflow = figures.find((f) => f.id === 'by-workflow')!.data;
      assert.equal(byWorkflow.labels[0], keyLabel(workflow!.key, names));
      assert.match(byWorkflow.labels[0]!, /^Sync <b>contacts<\/b> \(/, 'a name is text: the table and axis show it as text');
      for (const figure of figures) for (const series of figure.data.series) assert.equal(series.values.length, figure.data.labels.length, `${figure.id}: ${series.name}`);
      // Each signature's runs (Export These Runs…, the list of them) are as many as it counts, failed, and the example among them.
      const scope = { index, sourceId: 'p', kind: 'paragon' as const, query: {} };
      let listed = 0;
      for (const signature of data.errors.signatures) {
        const ids = signatureRunIds(scope, signature.key);
        assert.equal(ids.length, signature.count, signature.signature);
        assert.ok(ids.includes(signature.example));
        listed += ids.length;
      }
      assert.equal(listed, e.truth.paragonIds({ status: 'FAILED' }).length);
    });

    it('Dispersl: tokens by model and agent, tokens over time, tools and success by model', async () => {
      const e = emulator();
      const source = new DisperslClient({ baseUrl: e.disperslBaseUrl, apiKey: e.apiKey, retryBaseDelayMs: 1, requestsPerHour: null });
      await syncSource({ sourceId: 'd', source, index, since: 'all', details: 'all' });
      const data = computeInsights({ index, sourceId: 'd', kind: 'dispersl', query: {} }, { bucket: 'day' });
      const figures = figuresOf(data);
      const ids = figures.map((f) => f.id);
      for (const id of ['tokens-by-model', 'tokens-by-agent', 'tokens-over-time-by-model', 'tokens-over-time-by-agent', 'tools', 'success-by-model', 'success-by-agent'])
        assert.ok(ids.includes(id), id);
      assert.ok(!ids.includes('by-integration'), 'no integrations in Dispersl');
      const byModel = figures.find((f) => f.id === 'tokens-by-model')!.data;
      const tokens = byModel.series.find((s) => s.name === 'Tokens')!.values;
      assert.deepEqual(
        tokens,
        data.tokens.byModel.slice(0, tokens.length).map((t) => t.tokens),
      );
      assert.ok(tokens.every((t) => (t ?? 0) > 0));
    });
  });

  describe('an error signature as Markdown', () => {
    const signature: ErrorSignature = {
      key: 'paragon-0123456789abcd',
      workflowCount: 1,
      userCount: 1,
      previous6d: 2,
      signature: 'ACTION/REQUEST · [click](javascript:alert(1)) <img src=x> **bold**',
      count: 12,
      firstSeen: '2026-11-01T00:00:00.000Z',
      lastSeen: '2026-11-29T00:00:00.000Z',
      example: 'run-1',
      exampleStepId: 'step-2',
      exampleText: 'Error ``` with fences',
      workflows: ['wf`1'],
      users: ['ana@example.com'],
      last24h: 3,
      previous24h: 1,
      isNew: false,
      growing: true,
    };

    it('escapes what Markdown would read as markup, and fences the error longer than any backticks in it', () => {
      const md = signatureMarkdown('Prod [x](y)', signature, 'Failed · last 7 days');
      assert.match(md, /^### ACTION\/REQUEST · \\\[click\\\]\\\(javascript:alert\\\(1\\\)\\\) \\<img src=x\\> \\\*\\\*bold\\\*\\\*$/m);
      assert.match(md, /\*\*Source:\*\* Prod \\\[x\\\]\\\(y\\\)/);
      assert.match(md, /````text\nError ``` with fences\n````/);
      assert.match(md, /`wf'1`/);
      assert.match(md, /12 \(last 24 hours: 3, the 24 before: 1; growing\)/);
      assert.equal(escapeMarkdown('a\r\nb'), 'a b');
    });
  });
});
