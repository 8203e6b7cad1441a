// The codec of `task-history:` document URIs (src/documents/documentUri.ts): ids are
// untrusted, so whatever they hold must come back unchanged and stay inside its own path
// segment, and a URI that is not one of ours (hand-typed, foreign, malformed) parses to
// undefined instead of throwing inside VS Code's document provider.
import assert from 'node:assert/strict';
import { DOCUMENT_SCHEME, parseDocumentUri, runDocumentUriParts, stepDocumentUriParts, type StepDocumentMeta, type StepDocumentPart } from '../../src/documents/documentUri';

const PARTS: readonly StepDocumentPart[] = ['input', 'output', 'step', 'absent'];

/** Ids that a careless codec would split, resolve, double-decode or mangle. */
const IDS: readonly [string, string][] = [
  ['a uuid', '9c1d4b52-3f0e-4a8b-b7d2-6e5f1a2c3d4e'],
  ['a slash', 'a/b'],
  ['slashes at both ends', '/a/b/'],
  ['a dot-dot', '..'],
  ['a single dot', '.'],
  ['a path climbing out', '../../etc/passwd'],
  ['a percent sign', '100%'],
  ['an escape-looking text', 'a%2Fb%25'],
  ['a malformed escape', '%E0%A4%A'],
  ['spaces', ' a b '],
  ['unicode', 'Zürich-日本-🚀'],
  ['query and fragment characters', 'a?b=c&d#e'],
  ['a backslash', 'a\\b'],
  ['a .json suffix', 'run.json'],
  ['a part prefix', 'input-x.json'],
];

describe('task-history: document URIs', () => {
  describe('run documents', () => {
    for (const [name, id] of IDS) {
      it(`round trips a source id and a run id with ${name}`, () => {
        const parts = runDocumentUriParts(id, id);
        assert.equal(parts.scheme, DOCUMENT_SCHEME);
        assert.equal(parts.query, '');
        assert.equal(parts.path.split('/').length, 3, `${parts.path} has the format's segments`);
        assert.deepEqual(parseDocumentUri(parts), { kind: 'run', sourceId: id, runId: id });
      });
    }

    it('writes /<sourceId>/<runId>.json with each id percent-encoded', () => {
      assert.equal(runDocumentUriParts('demo-paragon', 'r1').path, '/demo-paragon/r1.json');
      assert.equal(runDocumentUriParts('a b', 'a/b').path, '/a%20b/a%2Fb.json');
    });
  });

  describe('step documents', () => {
    for (const [name, id] of IDS) {
      it(`round trips ids with ${name}, for every part`, () => {
        for (const part of PARTS) {
          const parts = stepDocumentUriParts(id, id, id, part, { label: id, status: id });
          assert.equal(parts.scheme, DOCUMENT_SCHEME);
          const segments = parts.path.split('/');
          assert.equal(segments.length, 5, `${parts.path} has the format's segments`);
          assert.ok(segments[4]!.startsWith(`${part}-`) && segments[4]!.endsWith('.json'), segments[4]);
          assert.deepEqual(parseDocumentUri(parts), { kind: 'step', sourceId: id, runId: id, stepExecutionId: id, part, label: id, status: id });
        }
      });
    }

    it('names the file after the part and a short, safe form of the step id', () => {
      const parts = stepDocumentUriParts('src', 'run', '852060ee-270c-4cd8-a6fa-a592cbfa181f', 'output');
      assert.equal(parts.path, '/src/run/852060ee-270c-4cd8-a6fa-a592cbfa181f/output-852060ee.json');
      assert.equal(stepDocumentUriParts('src', 'run', 'a/b c', 'input').path, '/src/run/a%2Fb%20c/input-a_b_c.json');
    });

    it('carries the label and status in the query; an empty label comes back empty, a missing one undefined', () => {
      const meta = (m: StepDocumentMeta) => {
        const parsed = parseDocumentUri(stepDocumentUriParts('s', 'r', 'x', 'step', m));
        assert.ok(parsed?.kind === 'step');
        return { label: parsed.label, status: parsed.status };
      };
      assert.deepEqual(meta({ label: '', status: 'failed' }), { label: '', status: 'failed' });
      assert.deepEqual(meta({}), { label: undefined, status: undefined });
      assert.deepEqual(meta({ status: 'succeeded' }), { label: undefined, status: 'succeeded' });
      assert.deepEqual(meta({ label: 'a&status=failed#x', status: 'running' }), { label: 'a&status=failed#x', status: 'running' });
      assert.equal(stepDocumentUriParts('s', 'r', 'x', 'step').query, '');
    });

    it('reads the part from the file name prefix only', () => {
      for (const part of PARTS) {
        const parsed = parseDocumentUri({ path: `/s/r/x/${part}-anything.json`, query: '' });
        assert.ok(parsed?.kind === 'step');
        assert.equal(parsed.part, part);
      }
      for (const file of ['inputs-x.json', 'input.json', 'Input-x.json', 'payload-x.json', '-x.json', 'x-input-x.json', 'input_x.json']) {
        assert.equal(parseDocumentUri({ path: `/s/r/x/${file}`, query: '' }), undefined, file);
      }
    });
  });

  describe('what is not one of ours', () => {
    const refused: readonly [string, string][] = [
      ['an empty path', ''],
      ['the root', '/'],
      ['a path without a leading slash', 'src/run.json'],
      ['one segment', '/run.json'],
      ['a run without .json', '/src/run'],
      ['a run with only .json', '/src/.json'],
      ['an empty source id', '//run.json'],
      ['a step path without its step id', '/src/run/input-x.json'],
      ['a step path with a segment more', '/src/run/step/extra/input-x.json'],
      ['a step-length path whose file has no part prefix', '/src/x/run.json/more.json'],
      ['an empty step id', '/src/run//input-x.json'],
      ['an empty run id in a step path', '/src//step/input-x.json'],
      ['a trailing slash', '/src/run.json/'],
      ['a malformed escape in a source id', '/%E0%A4%A/run.json'],
      ['a malformed escape in a run id', '/src/%zz.json'],
      ['a lone percent sign', '/src/%.json'],
      ['a malformed escape in a step path', '/src/run/%E0%A4%A/input-x.json'],
      ['an escaped lone surrogate', '/src/%ED%A0%80.json'],
    ];
    for (const [name, path] of refused) {
      it(`refuses ${name}, without throwing`, () => {
        assert.equal(parseDocumentUri({ path, query: '' }), undefined);
      });
    }

    it('writes an id holding half of a UTF-16 pair as U+FFFD instead of throwing URIError', () => {
      const lone = 'run-\ud800';
      assert.doesNotThrow(() => runDocumentUriParts('src', lone));
      assert.deepEqual(parseDocumentUri(runDocumentUriParts('src', lone)), { kind: 'run', sourceId: 'src', runId: 'run-\ufffd' });
      const step = stepDocumentUriParts('src', 'run', 'step-\udc00', 'input', { label: 'x\ud800' });
      const parsed = parseDocumentUri(step);
      assert.ok(parsed?.kind === 'step');
      assert.equal(parsed.stepExecutionId, 'step-\ufffd');
      assert.equal(parsed.label, 'x\ufffd');
      // A whole pair (an emoji) is left as it is.
      assert.deepEqual(parseDocumentUri(runDocumentUriParts('src', 'run-😀')), { kind: 'run', sourceId: 'src', runId: 'run-😀' });
    });

    it('never throws on a malformed query', () => {
      const parsed = parseDocumentUri({ path: '/s/r/x/input-x.json', query: 'label=%E0%A4%A&status=%' });
      assert.ok(parsed?.kind === 'step');
      assert.equal(typeof parsed.label, 'string');
    });
  });
});
