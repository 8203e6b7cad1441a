// The words of the tree's "Failures" rows (src/views/nodes/failuresText.ts): a signature's
// label is one line cut to 80 characters, its description the count, when it was last seen
// and its trend, its tooltip every figure with the API's text kept as text (never Markdown).
import assert from 'node:assert/strict';
import type { ErrorSignature } from '../../src/insights/model';
import {
  moreRunsMessage,
  SIGNATURE_LABEL_MAX,
  signatureAccessibleLabel,
  signatureDescription,
  signatureLabel,
  signatureTooltip,
  tooltipText,
  withoutStepsMessage,
} from '../../src/views/nodes/failuresText';

const now = Date.parse('2026-11-29T12:00:00Z');

function signature(over: Partial<ErrorSignature> = {}): ErrorSignature {
  return {
    key: 'paragon-1f3a',
    signature: 'action: Request failed with status <n>',
    count: 1234,
    firstSeen: '2026-11-20T08:00:00.000Z',
    lastSeen: '2026-11-29T11:55:00.000Z',
    example: 'run-newest',
    exampleStepId: 'step-1',
    exampleText: 'Request failed with status 502',
    workflows: ['wf-a', 'wf-b'],
    users: ['user-1'],
    workflowCount: 5,
    userCount: 1,
    last24h: 40,
    previous24h: 10,
    previous6d: 30,
    isNew: false,
    growing: false,
    ...over,
  };
}

describe('Failures rows in the tree', () => {
  it('a signature row is its text on one line, cut to 80 characters with an ellipsis', () => {
    assert.equal(signatureLabel(signature()), 'action: Request failed with status <n>');
    const long = signatureLabel(signature({ signature: `code: ${'x'.repeat(200)}\nsecond line` }));
    assert.equal(long.length, SIGNATURE_LABEL_MAX);
    assert.ok(long.endsWith('…'));
    assert.equal(signatureLabel(signature({ signature: 'a\nb\u2028c' })), 'a b c');
  });

  it('the description says how many runs, when the last was, and new or growing', () => {
    assert.equal(signatureDescription(signature(), now), '1,234 · last 5 min ago');
    assert.equal(signatureDescription(signature({ isNew: true, growing: true, count: 3 }), now), '3 · last 5 min ago · new · growing');
    assert.equal(signatureDescription(signature({ lastSeen: null, growing: true }), now), '1,234 · growing');
    assert.equal(signatureAccessibleLabel(signature({ count: 1 }), now), 'action: Request failed with status <n>, 1 failed run · last 5 min ago');
  });

  it("the tooltip has every figure, and the API's text only in text parts (a hostile error cannot become a link)", () => {
    const hostile = '[click](https://evil.example) <img src=x> **bold**';
    const parts = signatureTooltip(signature({ exampleText: hostile, workflows: ['wf-[x](y)'], isNew: true }));
    const text = tooltipText(parts);
    for (const expected of [
      'Failed runs: 1,234 (40 in the last 24 hours, 10 in the 24 hours before)',
      'First seen: 2026-11-20T08:00:00.000Z',
      'Last seen: 2026-11-29T11:55:00.000Z',
      'Trend: new in the last 24 hours',
      'Workflows: wf-[x](y) and 4 more',
      'Users: user-1',
      'Newest run: run-newest',
      hostile,
    ]) {
      assert.ok(text.includes(expected), `${expected} in\n${text}`);
    }
    const markdown = parts.flatMap((p) => ('markdown' in p ? [p.markdown] : [])).join('');
    assert.ok(!markdown.includes('evil') && !markdown.includes('wf-') && !markdown.includes('Request failed'), 'API text never goes in as Markdown');
    assert.ok(parts.some((p) => 'text' in p && p.text === hostile));
  });

  it('says how many failed runs are in no signature, and how many runs are past the shown ones', () => {
    assert.equal(withoutStepsMessage({ withoutSteps: 0 }), undefined);
    assert.equal(withoutStepsMessage({ withoutSteps: 1 }), '1 failed run not in a signature: their steps are not synced yet');
    assert.equal(moreRunsMessage(200, 200), undefined);
    assert.equal(moreRunsMessage(1450, 200), '1,250 more runs (Export These Runs… in Insights writes them all)');
  });
});
