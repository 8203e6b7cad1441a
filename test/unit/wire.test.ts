import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/core/errors';
import { parseExecutionDetail, parseList, parseStepPayload } from '../../src/sources/paragon/paragonWire';
import { parseTaskDetail, parseTaskList } from '../../src/sources/dispersl/disperslWire';

// The documented examples, verbatim in shape, plus the ways real bodies go wrong.
const docsExecution = {
  id: 'c70cafa5-4f80-45c7-b5b3-71454f6d638d',
  userId: 'd1f142cd-1dfe-4d76-ab4c-8f64901a9c5c',
  taskCount: 1,
  runDuration: 1477,
  workflowId: 'c395c170-4541-499c-afd1-0eccfaae49c9',
  status: 'SUCCEEDED',
  dateEnded: '2023-02-20T06:21:43.751Z',
  dateStarted: '2023-02-20T06:21:42.274Z',
};

describe('Wire formats', () => {
  describe('Paragon', () => {
    it("reads the docs' list example", () => {
      const page = parseList({ workflowExecutions: [docsExecution], nextLink: null, total: 1 }, 'salesforce');
      assert.equal(page.runs[0]!.durationMs, 1477);
      assert.equal(page.runs[0]!.integration, 'salesforce');
      assert.equal(page.nextLink, null);
    });

    it('ignores unknown fields and keeps unknown statuses raw', () => {
      const page = parseList({ workflowExecutions: [{ ...docsExecution, status: 'PAUSED', shiny: { new: true } }], nextLink: null, total: 1, extra: 1 });
      assert.equal(page.runs[0]!.status, 'unknown');
      assert.equal(page.runs[0]!.rawStatus, 'PAUSED');
    });

    it('names the field when the shape is wrong', () => {
      assert.throws(
        () => parseList({ workflowExecutions: [docsExecution, { ...docsExecution, id: Infinity }], total: 2 }),
        (e: unknown) => e instanceof ProtocolError && /"workflowExecutions\[1\]\.id"/.test(e.message),
      );
      assert.throws(
        () => parseList({ total: 3 }),
        (e: unknown) => e instanceof ProtocolError && /"workflowExecutions" should be an array/.test(e.message),
      );
      assert.throws(() => parseList({ workflowExecutions: [], total: 'many' }), /"response\.total" should be a number/);
    });

    it("reads the docs' execution with its step graph, sizes sent as strings", () => {
      const run = parseExecutionDetail({
        ...docsExecution,
        stepExecutions: [
          {
            id: 's1',
            stepId: 'x',
            workflowExecutionId: docsExecution.id,
            status: 'SUCCEEDED',
            type: 'TRIGGER/CRON',
            start: '2022-11-25T22:15:00.075Z',
            end: '2022-11-25T22:15:00.084Z',
            next: ['s2'],
            prev: null,
            inputSize: '220',
            outputSize: '76',
          },
          {
            id: 's2',
            stepId: 'y',
            workflowExecutionId: docsExecution.id,
            status: 'FAILED',
            type: 'ACTION/REQUEST',
            start: '2022-11-25T22:15:07.850Z',
            end: '2022-11-25T22:15:07.873Z',
            next: [],
            prev: 's1',
            inputSize: '712',
            outputSize: '824',
          },
        ],
      });
      assert.equal(run.steps.length, 2);
      assert.equal(run.steps[0]!.inputSize, 220);
      assert.equal(run.steps[0]!.durationMs, 9);
      assert.equal(run.steps[1]!.prev, 's1');
      assert.equal(run.steps[0]!.prev, undefined);
    });

    it('keeps a string output (an error) and a missing input as they are', () => {
      const payload = parseStepPayload({ isLargeInput: false, isLargeOutput: false, output: 'Error: no auth mechanism defined' }, 'r', 's');
      assert.equal(payload.output, 'Error: no auth mechanism defined');
      assert.equal(payload.input, undefined);
    });
  });

  describe('Dispersl', () => {
    it("reads the docs' task with steps from the envelope's one-element array", () => {
      const task = parseTaskDetail({
        status: 'success',
        message: 'ok',
        data: [
          {
            task_id: 'task_abc123',
            task_name: 'Build REST API with Authentication',
            status: 'completed',
            created_at: '2024-01-15T10:30:00Z',
            completed_at: '2024-01-15T14:45:00Z',
            duration: '4h 15m',
            steps: [
              {
                step_id: 'step_xyz789',
                step_name: 'Generate API endpoints',
                agent: 'code_agent',
                model: 'anthropic/claude-3-sonnet',
                status: 'completed',
                started_at: '2024-01-15T10:35:00Z',
                completed_at: '2024-01-15T11:20:00Z',
                duration: '45m',
                tokens_used: 1250,
                tools_used: ['write_to_file', 'execute_command'],
              },
            ],
            total_tokens: 2230,
            total_steps: 2,
            success_rate: 100,
          },
        ],
      });
      assert.equal(task.durationMs, (4 * 60 + 15) * 60_000);
      assert.equal(task.steps[0]!.agent, 'code_agent');
      assert.deepEqual(task.steps[0]!.toolsUsed, ['write_to_file', 'execute_command']);
    });

    it('falls back to the duration text only when timestamps are missing', () => {
      const list = parseTaskList(
        {
          status: 'success',
          message: 'ok',
          data: [{ task_id: 't', task_name: 'n', status: 'in_progress', created_at: '2024-01-15T10:30:00Z', duration: '45m' }],
          pagination: { total: 1, limit: 50, offset: 0, has_more: false },
        },
        0,
      );
      assert.equal(list.runs[0]!.status, 'running');
      assert.equal(list.runs[0]!.durationMs, 45 * 60_000);
      assert.equal(list.runs[0]!.endedAt, undefined);
    });

    it('reports an error envelope and a missing pagination', () => {
      assert.throws(() => parseTaskList({ status: 'error', message: 'quota', data: null }, 0), /Dispersl answered with an error: quota/);
      assert.throws(() => parseTaskList({ status: 'success', message: 'ok', data: [] }, 0), /"pagination" should be an object/);
    });
  });
});
