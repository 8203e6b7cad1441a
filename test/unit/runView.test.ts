import assert from 'node:assert/strict';
import type { RunDetail, Step } from '../../src/core/model';
import { firstFailedStep, orderSteps } from '../../src/core/stepGraph';
import { parseFromWebview, parsePanelState, PROTOCOL_VERSION } from '../../src/panels/protocol';
import { panelTitle, runMessage, timeAxis } from '../../src/panels/runView';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';

const caps = { replay: true, stepPayloads: true, compare: true };

describe('Run panel view model', () => {
  const emulator = useEmulator();
  const client = () =>
    new ParagonClient({ projectId: emulator().projectId, baseUrl: new URL(emulator().paragonBaseUrl).origin, apiKey: emulator().apiKey, rateLimit: null, retryBaseDelayMs: 10 });

  it('sends a 1,000-step run in graph order with every bar inside the shared axis', async () => {
    const id = emulator().truth.paragonIds({})[999]!;
    const detail = await client().getRun(id);
    assert.equal(detail.steps.length, 1000);
    const message = runMessage('demo', 'Demo', detail, caps);
    assert.equal(message.steps.length, 1000);
    assert.deepEqual(
      message.steps.map((s) => s.id),
      orderSteps(detail.steps).map((o) => o.step.id),
    );
    for (const s of message.steps) {
      assert.ok(s.startMs! >= message.axis.startMs && (s.endMs ?? s.startMs!) <= message.axis.endMs, s.id);
    }
    assert.ok(
      message.steps.some((s) => s.branch),
      'a long run has branches',
    );
    assert.ok(Buffer.byteLength(JSON.stringify(message)) < 1_000_000, 'the message stays well under a megabyte');
  });

  it('selects the first failed step of a failed run', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const detail = await client().getRun(id);
    const message = runMessage('demo', 'Demo', detail, caps);
    assert.equal(message.initialStepId, firstFailedStep(detail.steps)!.id);
    assert.equal(message.steps.find((s) => s.id === message.initialStepId)?.status, 'failed');
    assert.equal(message.run.rawStatus, 'FAILED');
    assert.equal(message.version, PROTOCOL_VERSION);
  });

  it('stretches the axis to now for a step still running', () => {
    const step: Step = { id: 's', runId: 'r', status: 'running', rawStatus: 'EXECUTING', next: [], startedAt: '2025-01-01T00:00:00.000Z' };
    const detail: RunDetail = { id: 'r', sourceKind: 'paragon', status: 'running', rawStatus: 'EXECUTING', startedAt: '2025-01-01T00:00:00.000Z', steps: [step] };
    const now = Date.parse('2025-01-01T00:00:10.000Z');
    assert.deepEqual(timeAxis(detail, runMessage('x', 'X', detail, caps, now).steps, now), { startMs: Date.parse(step.startedAt!), endMs: now });
  });

  it('titles the tab with the run’s name or short id and status, minus anything that would disguise it', () => {
    const base: RunDetail = { id: '2a7c9a2d-4c13-4833-baf2-655b97e59a6c', sourceKind: 'paragon', status: 'failed', rawStatus: 'FAILED', steps: [] };
    assert.equal(panelTitle(base), '2a7c9a2d · failed');
    assert.equal(panelTitle({ ...base, name: 'invoice_\u202Egnp.exe\nnext' }), 'invoice_gnp.exe next · failed');
  });

  describe('protocol', () => {
    it('accepts the webview’s messages and nothing else', () => {
      assert.deepEqual(parseFromWebview({ type: 'loadPayload', requestId: 3, stepId: 's1' }), { type: 'loadPayload', requestId: 3, stepId: 's1' });
      assert.deepEqual(parseFromWebview({ type: 'action', action: 'replay', extra: 1 }), { type: 'action', action: 'replay' });
      for (const bad of [
        null,
        'ready',
        { type: 'action', action: 'rm -rf' },
        { type: 'loadPayload', requestId: '3', stepId: 's' },
        { type: 'openPayload', stepId: 's', part: 'secrets' },
        { type: 'nope' },
      ]) {
        assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
      }
    });

    it('restores a panel only from a state that names a source and a run', () => {
      assert.deepEqual(parsePanelState({ version: 1, sourceId: 'a', runId: 'b', selectedStepId: 's', zoom: 2, scrollTop: 40 }), {
        version: 1,
        sourceId: 'a',
        runId: 'b',
        selectedStepId: 's',
        zoom: 2,
        scrollTop: 40,
      });
      assert.equal(parsePanelState({ runId: 'b' }), undefined);
      assert.equal(parsePanelState(undefined), undefined);
      assert.equal(parsePanelState({ sourceId: 'a', runId: 'b', zoom: -1 })?.zoom, undefined);
    });
  });
});
