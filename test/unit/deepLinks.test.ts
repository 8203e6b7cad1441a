// Deep links and dashboard URLs (src/links/): a link built for a run and step parses back to
// the same run and step; hostile links (other schemes, other extensions, unknown sources,
// ids with "..", controls, separators, bidi characters, over-long ones, extra or repeated
// parameters) are refused with a message naming what is wrong; each vendor's dashboard and
// API URLs name their run and source; and a dashboard template filled with hostile values
// stays one http(s) URL with the values encoded, while templates that would open
// `javascript:` or `file:`, carry credentials or ask for a key are refused.
import assert from 'node:assert/strict';
import { InvalidIdError } from '../../src/core/errors';
import { dashboardTemplate, expandDashboardUrl, parseVendorUrl } from '../../src/links/dashboard';
import { parseFromWebview, PROTOCOL_VERSION } from '../../src/panels/protocol';
import { buildRunLink, EXTENSION_ID, InvalidLinkError, linkForLog, LOGGED_LINK_LENGTH, MAX_LINK_ID_LENGTH, parseRunLink, parseRunLinkParts } from '../../src/links/runLink';
import { parseRunReference } from '../../src/links/runReference';
import type { SourceConfig } from '../../src/sources/sourceConfig';

const PROJECT = 'd1f142cd-1dfe-4d76-ab4c-8f64901a9c5c';
const RUN = '7c0a5b3e-2f41-4d8e-9a65-1b2c3d4e5f60';
const STEP = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

const paragonCloud: SourceConfig = { id: 'paragon-prod', kind: 'paragon', label: 'Prod', projectId: PROJECT };
const paragonOnPrem: SourceConfig = { id: 'paragon-onprem', kind: 'paragon', baseUrl: 'https://zeus.paragon.example.com', projectId: 'p-onprem' };
const dispersl: SourceConfig = { id: 'dispersl', kind: 'dispersl' };
const custom: SourceConfig = {
  id: 'custom',
  kind: 'dispersl',
  baseUrl: 'https://dispersl.internal.example/v1',
  dashboardUrlTemplate: 'https://app.example.com/tasks?task={runId}&tab=steps',
};
const SOURCES = [paragonCloud, paragonOnPrem, dispersl, custom];
const IDS = SOURCES.map((s) => s.id);

/** The error's message, asserting it is one of ours (a typed InvalidIdError). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidLinkError && error instanceof InvalidIdError, `not a typed link error: ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a refusal');
}

describe('Deep links (src/links)', () => {
  describe('run links', () => {
    it('builds vscode://task-history-explorer.task-history-explorer/run?… and parses it back to the same run and step, for each scheme', () => {
      for (const scheme of ['vscode', 'vscode-insiders', 'code-oss']) {
        const link = buildRunLink({ sourceId: 'paragon-prod', runId: RUN, stepId: STEP }, { scheme });
        assert.equal(link, `${scheme}://${EXTENSION_ID}/run?source=paragon-prod&id=${RUN}&step=${STEP}`);
        assert.deepEqual(parseRunLink(link, { sourceIds: IDS, scheme }), { sourceId: 'paragon-prod', runId: RUN, stepId: STEP });
      }
      const noStep = buildRunLink({ sourceId: 'dispersl', runId: 'task_abc123' }, { scheme: 'vscode' });
      assert.deepEqual(parseRunLink(noStep, { sourceIds: IDS }), { sourceId: 'dispersl', runId: 'task_abc123' });
    });

    it('parses what the URI handler receives (a vscode.Uri: decoded query), and a running build’s own scheme', () => {
      const parts = { scheme: 'my-code', authority: EXTENSION_ID, path: '/run', query: `source=custom&id=task_1&step=step_2` };
      assert.deepEqual(parseRunLinkParts(parts, { sourceIds: IDS, scheme: 'my-code' }), { sourceId: 'custom', runId: 'task_1', stepId: 'step_2' });
      assert.match(
        refusal(() => parseRunLinkParts(parts, { sourceIds: IDS })),
        /"my-code:" links are not Task History links/,
      );
      // VS Code's own windowId parameter is tolerated; the authority is case-insensitive as VS Code routes it.
      assert.equal(parseRunLink(`vscode://${EXTENSION_ID.toUpperCase()}/run?source=dispersl&id=t1&windowId=_blank`, { sourceIds: IDS }).runId, 't1');
    });

    it('refuses a source that is not configured, naming the configured ones', () => {
      const message = refusal(() => parseRunLink(`vscode://${EXTENSION_ID}/run?source=elsewhere&id=${RUN}`, { sourceIds: ['paragon-prod', 'dispersl'] }));
      assert.match(message, /source "elsewhere", which is not configured here/);
      assert.match(message, /"paragon-prod", "dispersl"/);
      assert.match(message, /Add Source/);
      assert.match(
        refusal(() => parseRunLink(`vscode://${EXTENSION_ID}/run?source=x&id=1`, { sourceIds: [] })),
        /No source is configured here/,
      );
    });

    it('refuses hostile links with a message saying what is wrong', () => {
      const base = `vscode://${EXTENSION_ID}/run`;
      const cases: [string, RegExp][] = [
        [`javascript://${EXTENSION_ID}/run?source=dispersl&id=1`, /"javascript:" links are not Task History links/],
        [`vscode://evil.extension/run?source=dispersl&id=1`, /is for "evil.extension", not for Task History Explorer/],
        [`vscode://${EXTENSION_ID}/delete?source=dispersl&id=1`, /this one asks for "\/delete"/],
        [`vscode://${EXTENSION_ID}/run/../x?source=dispersl&id=1`, /this one asks for/],
        [`${base}?source=dispersl&id=..`, /contains "\.\."/],
        [`${base}?source=dispersl&id=a..b`, /contains "\.\."/],
        [`${base}?source=dispersl&id=%2E%2E`, /contains "\.\."/],
        [`${base}?source=dispersl&id=..%2F..%2Fetc`, /contains "\.\."/],
        [`${base}?source=dispersl&id=a%2Fb`, /may hold only letters/],
        [`${base}?source=dispersl&id=a%00b`, /control characters/],
        [`${base}?source=dispersl&id=a%1B%5B31m`, /control characters/],
        [`${base}?source=dispersl&id=a%C2%9Bb`, /control characters/],
        [`${base}?source=dispersl&id=gnp%E2%80%AE.exe`, /invisible or direction-changing/],
        [`${base}?source=dispersl&id=%3Cscript%3E`, /may hold only letters/],
        [`${base}?source=dispersl&id=${'a'.repeat(MAX_LINK_ID_LENGTH + 1)}`, /longer than 200 characters/],
        [`${base}?source=dispersl&id=`, /it is empty/],
        [`${base}?source=dispersl`, /names no run/],
        [`${base}?id=1`, /names no source/],
        [`${base}?source=dispersl&id=1&id=2`, /gives "id" twice/],
        [`${base}?source=dispersl&source=custom&id=1`, /gives "source" twice/],
        [`${base}?source=dispersl&id=1&apiKey=x`, /parameter "apiKey" Task History links do not have/],
        [`${base}?source=dispersl&id=1#frag`, /"#…" part/],
        [`${base}?source=dispersl&id=%E0%A4%A`, /broken %-escape/],
        [`${base}?source=dispersl&id=1 2`, /spaces or control characters/],
        [`${base}?source=dispersl&id=1&step=..`, /step id "\.\." in the link/],
        [`${base}?source=dispersl&id=1&step=${'s'.repeat(5000)}`, /longer than 2048 characters/],
        ['notalink', /is not a link/],
      ];
      for (const [link, expected] of cases)
        assert.match(
          refusal(() => parseRunLink(link, { sourceIds: IDS })),
          expected,
          link,
        );
      // Building refuses what parsing would refuse: a link is never made that cannot be opened.
      assert.match(
        refusal(() => buildRunLink({ sourceId: 'dispersl', runId: '../x' }, { scheme: 'vscode' })),
        /contains "\.\."/,
      );
      assert.match(
        refusal(() => buildRunLink({ sourceId: 'dispersl', runId: '1' }, { scheme: 'java script' })),
        /cannot start a link/,
      );
    });

    it('shows a refused id with its control and direction characters escaped, never raw', () => {
      const message = refusal(() =>
        parseRunLinkParts({ scheme: 'vscode', authority: EXTENSION_ID, path: '/run', query: 'source=dispersl&id=x\u202Egnp.exe\u009b2J' }, { sourceIds: IDS }),
      );
      assert.ok(!/[\u202e\u009b]/.test(message), message);
      assert.match(message, /\\u202e/);
    });
  });

  describe('dashboard URLs', () => {
    it('defaults: Paragon cloud has the dashboard template, an on-premise Paragon the same paths on dashboard.<host>, Dispersl none, a setting wins', () => {
      assert.deepEqual(dashboardTemplate(paragonCloud), { template: 'https://dashboard.useparagon.com/connect/projects/{projectId}/task-history/{runId}', origin: 'default' });
      assert.deepEqual(dashboardTemplate(paragonOnPrem), {
        template: 'https://dashboard.paragon.example.com/connect/projects/{projectId}/task-history/{runId}',
        origin: 'on-premise',
      });
      assert.equal(dashboardTemplate(dispersl), undefined);
      assert.equal(dashboardTemplate({ id: 'local', kind: 'paragon', baseUrl: 'http://127.0.0.1:4010', projectId: 'p' }), undefined);
      assert.equal(dashboardTemplate(custom)?.origin, 'setting');
    });

    it('expands a template with each value percent-encoded: hostile values stay inside their placeholder', () => {
      const template = dashboardTemplate(paragonCloud)!.template;
      assert.equal(expandDashboardUrl(template, { projectId: PROJECT, runId: RUN }, 'Prod'), `https://dashboard.useparagon.com/connect/projects/${PROJECT}/task-history/${RUN}`);
      const hostile = expandDashboardUrl(template, { projectId: '../../admin?x=1#', runId: 'javascript:alert(1)//<script>' }, 'Prod');
      const url = new URL(hostile);
      assert.equal(url.host, 'dashboard.useparagon.com');
      assert.equal(url.search, '');
      assert.equal(url.hash, '');
      assert.equal(url.pathname, '/connect/projects/..%2F..%2Fadmin%3Fx%3D1%23/task-history/javascript%3Aalert(1)%2F%2F%3Cscript%3E');
      // In a query: `&` and `=` in a value cannot add a parameter.
      const query = new URL(expandDashboardUrl('https://app.example.com/t?task={runId}&w={workflowId}', { runId: 'a&admin=1', workflowId: 'w 1' }, 'X'));
      assert.deepEqual([...query.searchParams.keys()], ['task', 'w']);
      assert.equal(query.searchParams.get('task'), 'a&admin=1');
      // A value that would turn a bare placeholder into a scheme is only a (refused) relative text.
      assert.match(
        refusal(() => expandDashboardUrl('{runId}', { runId: 'javascript:alert(1)' }, 'X')),
        /not a full URL/,
      );
    });

    it('refuses templates that would open javascript:, file: or data:, carry credentials, ask for a key, or need a missing value', () => {
      const cases: [string, RegExp][] = [
        ['javascript:alert(1)//{runId}', /would open a "javascript:" address; only http:\/\/ and https:\/\//],
        ['file:///etc/passwd?{runId}', /"file:" address/],
        ['data:text/html,<script>{runId}</script>', /"data:" address/],
        ['https://user:pass@example.com/{runId}', /user name or password/],
        ['https://example.com/{runId}?key={apiKey}', /API keys are never put in a URL/],
        ['https://example.com/{run}', /unknown placeholder \{run\}/],
        ['https://example.com/{workflowId}/{runId}', /needs a workflow id/],
      ];
      for (const [template, expected] of cases)
        assert.match(
          refusal(() => expandDashboardUrl(template, { runId: 'r1', projectId: 'p' }, 'Prod')),
          expected,
          template,
        );
    });

    it('reads a Paragon dashboard URL: the run, and the source whose project it names', () => {
      const ref = parseVendorUrl(`https://dashboard.useparagon.com/connect/projects/${PROJECT}/task-history/${RUN}`, SOURCES);
      assert.deepEqual(ref, { runId: RUN, stepId: undefined, sourceIds: ['paragon-prod'], kind: 'dashboard' });
      const onPrem = parseVendorUrl(`https://dashboard.paragon.example.com/connect/projects/p-onprem/task-history/${RUN}/`, SOURCES);
      assert.deepEqual(onPrem.sourceIds, ['paragon-onprem']);
      // Another project's dashboard: no configured source, and the message lists them.
      const message = refusal(() => parseVendorUrl(`https://dashboard.useparagon.com/connect/projects/other/task-history/${RUN}`, SOURCES));
      assert.match(message, /not the address of a run of a configured source/);
      assert.match(message, /"paragon-prod", "paragon-onprem", "dispersl", "custom"/);
    });

    it('reads Paragon API URLs (api. and the zeus. host its nextLinks name), with the step when the URL has one', () => {
      assert.deepEqual(parseVendorUrl(`https://api.useparagon.com/projects/${PROJECT}/task-history/workflow-executions/${RUN}`, SOURCES), {
        runId: RUN,
        stepId: undefined,
        sourceIds: ['paragon-prod'],
        kind: 'api',
      });
      const step = parseVendorUrl(`https://zeus.useparagon.com/projects/${PROJECT}/task-history/workflow-executions/${RUN}/step-executions/${STEP}`, SOURCES);
      assert.equal(step.stepId, STEP);
      assert.deepEqual(step.sourceIds, ['paragon-prod']);
      // An API host nobody configured is not trusted to name a run.
      assert.match(
        refusal(() => parseVendorUrl(`https://api.evil.example/projects/${PROJECT}/task-history/workflow-executions/${RUN}`, SOURCES)),
        /not the address of a run/,
      );
    });

    it('reads a Dispersl API URL (no dashboard link is documented), and a custom template with the run in its query', () => {
      assert.deepEqual(parseVendorUrl('https://api.dispersl.com/v1/history/task_abc123', SOURCES), {
        runId: 'task_abc123',
        stepId: undefined,
        sourceIds: ['dispersl'],
        kind: 'api',
      });
      assert.deepEqual(parseVendorUrl('https://app.example.com/tasks?tab=steps&task=task_9', SOURCES).sourceIds, ['custom']);
      assert.match(
        refusal(() => parseVendorUrl('https://api.dispersl.com/v1/history/export', SOURCES)),
        /not the address of a run/,
      );
      assert.match(
        refusal(() => parseVendorUrl('https://app.example.com/tasks?task=..', SOURCES)),
        /not the address of a run/,
      );
      assert.match(
        refusal(() => parseVendorUrl('ftp://api.dispersl.com/v1/history/task_1', SOURCES)),
        /"ftp:" addresses are not runs/,
      );
    });

    it('round-trips: a dashboard URL made by Open in Dashboard is read back by Open Run by ID', () => {
      for (const config of [paragonCloud, paragonOnPrem, custom]) {
        const url = expandDashboardUrl(dashboardTemplate(config)!.template, { projectId: config.projectId, runId: 'run_42' }, config.id);
        const ref = parseVendorUrl(url, SOURCES);
        assert.equal(ref.runId, 'run_42', url);
        assert.deepEqual(ref.sourceIds, [config.id], url);
      }
    });
  });

  describe('run panel protocol', () => {
    it('v3: the panel’s Copy Link and Open in Dashboard actions, Copy Link with the selected step; anything else about them refused', () => {
      assert.equal(PROTOCOL_VERSION, 3);
      assert.deepEqual(parseFromWebview({ type: 'action', action: 'copyLink', stepId: STEP }), { type: 'action', action: 'copyLink', stepId: STEP });
      assert.deepEqual(parseFromWebview({ type: 'action', action: 'openDashboard' }), { type: 'action', action: 'openDashboard' });
      assert.deepEqual(parseFromWebview({ type: 'action', action: 'copyLink', stepId: 42 }), { type: 'action', action: 'copyLink' });
      assert.equal(parseFromWebview({ type: 'action', action: 'openExternal', url: 'javascript:alert(1)' }), undefined);
    });
  });

  describe('Open Run by ID input', () => {
    it('takes an id, a Task History link or a vendor URL; an id may be from any source', () => {
      assert.deepEqual(parseRunReference(`  ${RUN} `, SOURCES), { runId: RUN, sourceIds: IDS, from: 'id' });
      assert.deepEqual(parseRunReference(`vscode://${EXTENSION_ID}/run?source=custom&id=t1&step=s1`, SOURCES), { runId: 't1', stepId: 's1', sourceIds: ['custom'], from: 'link' });
      assert.equal(parseRunReference(`https://api.dispersl.com/v1/history/task_1`, SOURCES).from, 'api');
      assert.match(
        refusal(() => parseRunReference('javascript://alert(1)', SOURCES)),
        /neither a run id, a Task History link .* nor a dashboard URL/,
      );
      assert.match(
        refusal(() => parseRunReference('../../etc/passwd', SOURCES)),
        /The run id "\.\.\/\.\.\/etc\/passwd" is not a valid id/,
      );
    });
  });

  it('refuses "." and ".." as a value in a dashboard URL: URL parsing would climb a path segment (runs/.. → the page above)', () => {
    const template = 'https://dash.example.com/projects/{projectId}/runs/{runId}?workflow={workflowId}';
    for (const bad of ['.', '..']) {
      assert.throws(
        () => expandDashboardUrl(template, { projectId: PROJECT, runId: bad }, 'Prod'),
        (e: unknown) => e instanceof InvalidLinkError && /run id "\.{1,2}"/.test(e.message),
      );
      assert.throws(() => expandDashboardUrl(template, { projectId: bad, runId: RUN }, 'Prod'), InvalidLinkError);
      assert.throws(() => expandDashboardUrl(template, { projectId: PROJECT, runId: RUN, workflowId: bad }, 'Prod'), InvalidLinkError);
    }
    // Dots inside an id stay (encoded as themselves) and the URL keeps its segments.
    assert.equal(
      expandDashboardUrl(template, { projectId: PROJECT, runId: 'a..b', workflowId: 'w.1' }, 'Prod'),
      `https://dash.example.com/projects/${PROJECT}/runs/a..b?workflow=w.1`,
    );
  });

  it('logs a received link sanitized and capped: a decoded %0A cannot forge a log line, a huge query cannot fill the log', () => {
    const forged = linkForLog({ scheme: 'vscode', authority: EXTENSION_ID, path: '/run', query: 'source=prod&id=x\n2025-01-01 [error] Task History: key leaked\r\u001b[31m' });
    assert.ok(!/[\n\r\u001b]/.test(forged), forged);
    assert.match(forged, /^"vscode:\/\/.*\\n2025-01-01 \[error\].*"$/);
    const huge = linkForLog({ scheme: 'vscode', authority: EXTENSION_ID, path: '/run', query: `id=${'x'.repeat(1_000_000)}` });
    assert.ok(huge.length <= LOGGED_LINK_LENGTH + 3, `${huge.length} characters`);
    assert.ok(huge.endsWith('…"'));
    // Bidi overrides are escaped too (a log viewer would reorder the line).
    assert.ok(!linkForLog({ scheme: 'vscode', authority: EXTENSION_ID, path: '/run', query: 'id=\u202eevil' }).includes('\u202e'));
  });
});
