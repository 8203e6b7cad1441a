// The import-graph reader the architecture tests stand on (test/unit/support/importGraph.ts),
// held to fixture files in a temp folder: if it missed an import form, the floors and the
// no-cycle test would pass for the wrong reason.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findCycles, formatCycle, isErasedAtRuntime, readImportGraph, type ImportGraph } from './support/importGraph';

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function targetsOf(graph: ImportGraph, from: string): string[] {
  return graph.edges.filter((e) => e.from === from).map((e) => e.to);
}

describe('Import graph reader (architecture test support)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds a cycle of three and names it by its path, first file repeated at the end', () => {
    writeTree(root, {
      'lib/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'lib/b.ts': "import { c } from './c';\nexport const b = c;\n",
      'lib/c.ts': "import { a } from './a';\nexport const c = () => a;\n",
      'lib/d.ts': "import { a } from './a';\nexport const d = a;\n",
    });
    const graph = readImportGraph(['lib'], root);
    const cycles = findCycles(graph);
    assert.deepEqual(cycles, [['lib/a.ts', 'lib/b.ts', 'lib/c.ts', 'lib/a.ts']]);
    assert.equal(formatCycle(cycles[0]!, graph), 'lib/a.ts → lib/b.ts → lib/c.ts → lib/a.ts');
    assert.equal(isErasedAtRuntime(cycles[0]!, graph), false);
  });

  it('counts a type-only import as an edge, and marks the cycle it closes as erased at runtime', () => {
    writeTree(root, {
      'x.ts': "import type { Y } from './y';\nexport interface X { y?: Y }\nexport const x = 1;\n",
      'y.ts': "import { x } from './x';\nexport interface Y { n: number }\nexport const y = x;\n",
    });
    const graph = readImportGraph(['.'], root);
    assert.deepEqual(
      graph.edges.map(({ from, to, typeOnly }) => ({ from, to, typeOnly })),
      [
        { from: 'x.ts', to: 'y.ts', typeOnly: true },
        { from: 'y.ts', to: 'x.ts', typeOnly: false },
      ],
    );
    const cycles = findCycles(graph);
    assert.deepEqual(cycles, [['x.ts', 'y.ts', 'x.ts']]);
    assert.equal(isErasedAtRuntime(cycles[0]!, graph), true);
    assert.equal(formatCycle(cycles[0]!, graph), 'x.ts →(type) y.ts → x.ts');
  });

  it('ignores non-relative imports (packages, node: built-ins, vscode) but lists them as external', () => {
    writeTree(root, {
      'a.ts': "import * as vscode from 'vscode';\nimport { readFileSync } from 'node:fs';\nimport ts from 'typescript';\nexport const a = [vscode, readFileSync, ts];\n",
    });
    const graph = readImportGraph(['.'], root);
    assert.deepEqual(graph.edges, []);
    assert.deepEqual(
      graph.external.map((e) => e.specifier),
      ['vscode', 'node:fs', 'typescript'],
    );
    assert.deepEqual(findCycles(graph), []);
  });

  it('reads every import form: export from, side effect, dynamic import(), require(), import = require(), import() in a type, `type` named imports', () => {
    writeTree(root, {
      'main.ts': [
        "export { one } from './one';",
        "import './two';",
        "const three = import('./three');",
        "const four = require('./four');",
        "import five = require('./five');",
        "type Six = import('./six').Six;",
        "import { type Seven } from './seven';",
        "export type { Eight } from './eight';",
        'export const all = [three, four, five] as unknown as [Six, Seven];',
        '',
      ].join('\n'),
      ...Object.fromEntries(
        ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'].map((n) => [`${n}.ts`, `export type ${n[0]!.toUpperCase()}${n.slice(1)} = 1;\nexport const ${n} = 1;\n`]),
      ),
    });
    const graph = readImportGraph(['.'], root);
    assert.deepEqual(
      graph.edges.map(({ to, form, typeOnly }) => `${to} ${form}${typeOnly ? ' type' : ''}`),
      ['one.ts export', 'two.ts import', 'three.ts dynamic', 'four.ts require', 'five.ts require', 'six.ts typeof-import type', 'seven.ts import type', 'eight.ts export type'],
    );
  });

  it('resolves a folder to its index.ts and a .js specifier to its .ts file, and reports a path that names no file', () => {
    writeTree(root, {
      'src/app.ts': "import { k } from './kinds';\nimport { w } from './wire.js';\nimport { gone } from './gone';\nexport const app = [k, w, gone];\n",
      'src/kinds/index.ts': 'export const k = 1;\n',
      'src/wire.ts': 'export const w = 1;\n',
    });
    const graph = readImportGraph(['src'], root);
    assert.deepEqual(targetsOf(graph, 'src/app.ts'), ['src/kinds/index.ts', 'src/wire.ts']);
    assert.deepEqual(graph.unresolved, [{ from: 'src/app.ts', specifier: './gone' }]);
  });

  it('is not fooled by imports written in comments or strings', () => {
    writeTree(root, {
      'a.ts': "// import { b } from './b';\n/* export * from './b' */\nexport const text = \"import { b } from './b'; require('./b')\";\n",
      'b.ts': "import { text } from './a';\nexport const b = text;\n",
    });
    const graph = readImportGraph(['.'], root);
    assert.deepEqual(targetsOf(graph, 'a.ts'), []);
    assert.deepEqual(findCycles(graph), []);
  });

  it('finds every cycle of a tangle once, each from its first file, and a file importing itself', () => {
    writeTree(root, {
      'a.ts': "import './b';\nimport './c';\n",
      'b.ts': "import './a';\nimport './c';\n",
      'c.ts': "import './a';\n",
      's.ts': "import './s';\n",
    });
    const graph = readImportGraph(['.'], root);
    assert.deepEqual(
      findCycles(graph).map((c) => formatCycle(c)),
      ['a.ts → b.ts → a.ts', 'a.ts → b.ts → c.ts → a.ts', 'a.ts → c.ts → a.ts', 's.ts → s.ts'],
    );
  });
});
