// One rule for "running or its duration" and one list of a step's fields, shared by the
// tree, the run panel (extension side and webview side) and the CLI.
import assert from 'node:assert/strict';
import { stepFields } from '../../src/core/format';
import { RUN_STATUSES, type Step } from '../../src/core/model';
import { durationText, isActive, isStillRunning } from '../../src/core/runState';
import { stepViews } from '../../src/panels/runView';
import { localTime } from '../../webview/dom';
import { panelStepFields } from '../../webview/stepFields';

const ENDED = '2026-11-23T11:55:01.477Z';

describe('Run state: running or its duration', () => {
  for (const status of RUN_STATUSES) {
    for (const endedAt of [undefined, ENDED]) {
      const active = status === 'running' || status === 'queued' || status === 'delayed';
      const still = active && endedAt === undefined;
      it(`${status}, ${endedAt ? 'with' : 'without'} an end: ${still ? `'${status}', never a duration so far` : 'its duration'}`, () => {
        const item = { status, endedAt, durationMs: 1477 };
        assert.equal(isActive(status), active);
        assert.equal(isStillRunning(item), still);
        assert.equal(durationText(item), still ? status : '1.48 s');
      });
    }
  }

  it('shows the duration of a run whose status still says running but that has ended', () => {
    assert.equal(durationText({ status: 'running', endedAt: ENDED, durationMs: 250 }), '250 ms');
    assert.equal(durationText({ status: 'running', endedAt: ENDED, durationText: '4h 15m' }), '4h 15m');
  });

  it("prefers the computed duration to the vendor's text, and gives '' when neither is known", () => {
    assert.equal(durationText({ status: 'succeeded', durationMs: 90_000, durationText: '2m' }), '1m 30s');
    assert.equal(durationText({ status: 'succeeded', durationText: '4h 15m' }), '4h 15m');
    assert.equal(durationText({ status: 'succeeded' }), '');
    assert.equal(durationText({ status: 'failed', endedAt: ENDED }), '');
    assert.equal(durationText({ status: 'unknown', durationMs: Number.NaN }), '');
  });

  it('counts an unknown vendor status as not active', () => {
    assert.equal(isActive('PAUSED'), false);
    assert.equal(isActive('unknown'), false);
  });
});

const paragonStep: Step = {
  id: 'exec-1',
  runId: 'run-1',
  stepId: 'wf-step-7',
  name: 'Fetch invoices',
  type: 'ACTION/REQUEST',
  status: 'succeeded',
  rawStatus: 'SUCCEEDED',
  startedAt: '2026-11-23T11:55:00Z',
  endedAt: ENDED,
  durationMs: 1477,
  next: [],
  inputSize: 812,
  outputSize: 2048,
};

const disperslStep: Step = {
  id: 'sub-3',
  runId: 'task-9',
  name: 'Plan',
  status: 'succeeded',
  rawStatus: 'completed',
  startedAt: '2026-11-23T07:00:00Z',
  durationText: '4h 15m',
  next: [],
  agent: 'planner',
  model: 'gpt-4o',
  tokensUsed: 12_345,
  toolsUsed: ['search', 'browse'],
};

describe('Step fields', () => {
  it("lists a Paragon step's fields in order, with its sizes, and leaves out what it does not have", () => {
    assert.deepEqual(stepFields(paragonStep), [
      ['Id', 'exec-1'],
      ['Workflow step', 'wf-step-7'],
      ['Type', 'ACTION/REQUEST'],
      ['Status', 'SUCCEEDED'],
      ['Started', '2026-11-23T11:55:00Z'],
      ['Ended', ENDED],
      ['Duration', '1.48 s'],
      ['Input size', '812 B'],
      ['Output size', '2.0 KB'],
    ]);
  });

  it("lists a Dispersl step's agent, model, tokens and tools, and its vendor duration", () => {
    assert.deepEqual(stepFields(disperslStep), [
      ['Id', 'sub-3'],
      ['Status', 'completed'],
      ['Started', '2026-11-23T07:00:00Z'],
      ['Duration', '4h 15m'],
      ['Agent', 'planner'],
      ['Model', 'gpt-4o'],
      ['Tokens', '12345'],
      ['Tools', 'search, browse'],
    ]);
  });

  it('shows a running step as running, with no end, and keeps a zero token count', () => {
    const running: Step = { ...disperslStep, status: 'running', rawStatus: 'in_progress', durationMs: 5000, tokensUsed: 0, toolsUsed: [] };
    const fields = new Map(stepFields(running));
    assert.equal(fields.get('Duration'), 'running');
    assert.equal(fields.has('Ended'), false);
    assert.equal(fields.get('Tokens'), '0');
    assert.equal(fields.has('Tools'), false, 'an empty tool list is left out');
  });

  it("writes times and counts with the front end's own formatter, and nothing else changes", () => {
    const fields = stepFields(disperslStep, { time: (iso) => `local(${iso})`, count: (n) => `n=${n}` });
    assert.deepEqual(
      fields.map(([label]) => label),
      stepFields(disperslStep).map(([label]) => label),
    );
    assert.equal(new Map(fields).get('Started'), 'local(2026-11-23T07:00:00Z)');
    assert.equal(new Map(fields).get('Tokens'), 'n=12345');
  });

  it('gives the panel the same list as the tree and the CLI, from the step view the panel receives', () => {
    const steps: Step[] = [
      paragonStep,
      { ...paragonStep, id: 'exec-2', prev: 'exec-1', status: 'running', rawStatus: 'RUNNING', endedAt: undefined, durationMs: 900 },
      { ...paragonStep, id: 'exec-3', prev: 'exec-1', status: 'running', rawStatus: 'RUNNING' },
      { ...disperslStep, id: 'sub-4', runId: 'run-1', prev: 'exec-1' },
      { ...paragonStep, id: 'exec-5', prev: 'exec-1', status: 'failed', rawStatus: 'FAILED', durationMs: undefined, endedAt: undefined },
    ];
    const views = stepViews(steps);
    assert.equal(views.length, steps.length);
    for (const view of views) {
      const step = steps.find((s) => s.id === view.id)!;
      assert.deepEqual(panelStepFields(view), stepFields(step, { time: localTime, count: (n) => n.toLocaleString() }), view.id);
    }
    assert.equal(new Map(panelStepFields(views.find((v) => v.id === 'exec-2')!)).get('Duration'), 'running');
    assert.equal(new Map(panelStepFields(views.find((v) => v.id === 'exec-3')!)).get('Duration'), '1.48 s');
  });
});
