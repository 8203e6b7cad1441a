// Names users give workflows: only own string entries of the setting count, shown as clean
// text beside the id; setting one keeps the others and an empty name removes it.
import assert from 'node:assert/strict';
import { runFields } from '../../src/core/format';
import { cleanWorkflowName, MAX_WORKFLOW_NAME, parseWorkflowNames, withWorkflowName, workflowLabel } from '../../src/core/workflowNames';

describe('Workflow names', () => {
  it('reads only own entries whose id and name are text; "__proto__" is an id like any other', () => {
    const raw = JSON.parse('{"wf-1":"Sync contacts","wf-2":42,"":"no id","wf-3":"  ","__proto__":"Proto flow"}') as unknown;
    const names = parseWorkflowNames(raw);
    assert.deepEqual(
      [...names],
      [
        ['wf-1', 'Sync contacts'],
        ['__proto__', 'Proto flow'],
      ],
    );
    for (const bad of [null, 'text', 3, ['a'], undefined]) assert.equal(parseWorkflowNames(bad).size, 0);
  });

  it('cleans a name: control characters and bidi overrides out, spaces collapsed, the length capped', () => {
    assert.equal(cleanWorkflowName('  Sync\u0000 \u202econtacts\u001b[31m  '), 'Sync contacts [31m');
    assert.equal([...cleanWorkflowName('é'.repeat(500))].length, MAX_WORKFLOW_NAME);
  });

  it('labels a named workflow by its name and a short id, an unnamed one by its id; run fields use it', () => {
    const names = parseWorkflowNames({ '3f2a9c1e-0000-4000-8000-000000000001': 'Sync contacts' });
    assert.equal(workflowLabel('3f2a9c1e-0000-4000-8000-000000000001', names), 'Sync contacts (3f2a9c1e…)');
    assert.equal(workflowLabel('other', names), 'other');
    const fields = runFields({ id: 'r', sourceKind: 'paragon', status: 'failed', rawStatus: 'FAILED', workflowId: '3f2a9c1e-0000-4000-8000-000000000001' }, names);
    assert.deepEqual(
      fields.find(([label]) => label === 'Workflow'),
      ['Workflow', 'Sync contacts (3f2a9c1e…)'],
    );
  });

  it('sets a name keeping the others, and removes it when empty', () => {
    const set = withWorkflowName({ a: 'A', b: 'B' }, 'b', ' Billing ');
    assert.deepEqual(set, { a: 'A', b: 'Billing' });
    assert.deepEqual(withWorkflowName(set, 'a', ''), { b: 'Billing' });
    const proto = withWorkflowName({}, '__proto__', 'Proto flow');
    assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'no prototype was set');
    assert.deepEqual(Object.keys(proto), ['__proto__']);
  });
});
