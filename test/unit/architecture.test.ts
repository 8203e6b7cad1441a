// The floors of docs' "The shape" (DESIGN.md), enforced: what each folder of src/ may import,
// no import cycles anywhere in src/ and webview/ (type-only imports count: a cycle the compiler
// erases is still two modules that cannot be understood one without the other), commands
// registered in one place, webview panels made in one place, and command ids written as
// names (src/contributions.ts) instead of strings. The import graph comes from
// test/unit/support/importGraph.ts, which has its own test (importGraph.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { findCycles, formatCycle, readImportGraph, type ImportEdge } from './support/importGraph';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `file → import`, as a failure lists it. */
function describeEdge(edge: ImportEdge): string {
  return `${edge.from} → ${edge.to}${edge.typeOnly ? ' (type-only)' : ''}`;
}

/** Whether a file (a path with `/`) is the area: a folder's files, or the one file named. */
function isIn(file: string, area: string): boolean {
  return area.endsWith('.ts') ? file === area : file.startsWith(`${area}/`);
}

/**
 * What each floor may not import. Down is allowed, up is not: core is the bottom floor
 * (model, errors, redaction, pure logic); sources (the API clients) build on core; the run
 * store on core; the VS Code adapters (views, panels, commands) sit on top, and of those the
 * commands are the top: a view or a panel that needed a command's code would make the
 * command layer a floor under them.
 */
const FLOORS: readonly { readonly floor: string; readonly forbidden: readonly string[] }[] = [
  {
    floor: 'src/core',
    forbidden: ['src/sources', 'src/store', 'src/runIndex', 'src/documents', 'src/config', 'src/views', 'src/panels', 'src/commands', 'src/cli', 'src/contributions.ts'],
  },
  { floor: 'src/sources', forbidden: ['src/store', 'src/documents', 'src/config', 'src/views', 'src/panels', 'src/commands', 'src/cli'] },
  // The store programs against core's HistorySource, never a client of its own.
  { floor: 'src/store', forbidden: ['src/sources', 'src/documents', 'src/config', 'src/views', 'src/panels', 'src/commands', 'src/cli'] },
  // The run index sits under the store: core below it, nothing above.
  { floor: 'src/runIndex', forbidden: ['src/store', 'src/documents', 'src/config', 'src/views', 'src/panels', 'src/commands', 'src/cli', 'src/contributions.ts'] },
  // Insights compute on the run index (and core); the panel, the tree and the CLI read them.
  { floor: 'src/insights', forbidden: ['src/store', 'src/documents', 'src/config', 'src/views', 'src/panels', 'src/commands', 'src/cli', 'src/contributions.ts'] },
  // The CLI stands on sources and core (the store where it needs runs), never on the VS Code floors.
  { floor: 'src/cli', forbidden: ['src/config', 'src/documents', 'src/views', 'src/panels', 'src/commands', 'src/contributions.ts'] },
  // The MCP server is the CLI's sibling (task-history mcp): the same floors under it, no VS Code.
  { floor: 'src/mcp', forbidden: ['src/config', 'src/documents', 'src/views', 'src/panels', 'src/commands', 'src/contributions.ts'] },
  // Links and dashboard URLs are pure text work on core and the sources' config.
  {
    floor: 'src/links',
    forbidden: [
      'src/store',
      'src/runIndex',
      'src/insights',
      'src/documents',
      'src/config',
      'src/views',
      'src/panels',
      'src/commands',
      'src/cli',
      'src/mcp',
      'src/contributions.ts',
    ],
  },
  { floor: 'src/documents', forbidden: ['src/config', 'src/views', 'src/panels', 'src/commands'] },
  { floor: 'src/config', forbidden: ['src/store', 'src/documents', 'src/views', 'src/panels', 'src/commands'] },
  { floor: 'src/panels', forbidden: ['src/commands'] },
  { floor: 'src/views', forbidden: ['src/commands', 'src/panels'] },
];

describe('Architecture', () => {
  it('every notification goes through src/views/notifications.ts, which redacts keys', () => {
    const offenders = filesUnder('src').filter(
      (file) => !file.endsWith(join('views', 'notifications.ts')) && /window\s*\.\s*show(Error|Warning|Information)Message\s*\(/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  for (const dir of ['src/sources', 'src/core', 'src/store', 'src/runIndex', 'src/insights', 'src/mcp', 'src/links']) {
    it(`nothing under ${dir} imports vscode`, () => {
      const files = filesUnder(dir);
      assert.ok(files.length >= 3, `expected source files under ${dir}`);
      const offenders = files.filter((file) => /(from\s+['"]vscode['"])|(require\(\s*['"]vscode['"]\s*\))|(import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(file, 'utf8')));
      assert.deepEqual(offenders, []);
    });
  }

  describe('floors and cycles (the import graph of src/ and webview/)', () => {
    const graph = readImportGraph(['src', 'webview']);

    it('reads the whole tree, and every relative import names a file', () => {
      // A path the reader could not resolve would be an import the floors and the cycle search never see.
      assert.ok(graph.files.length > 100 && graph.edges.length > 300, `only ${graph.files.length} files and ${graph.edges.length} imports read`);
      assert.deepEqual(graph.unresolved, []);
    });

    for (const { floor, forbidden } of FLOORS) {
      it(`${floor} imports nothing from ${forbidden.join(', ')}`, () => {
        assert.ok(
          graph.files.some((f) => isIn(f, floor)),
          `no files under ${floor}`,
        );
        const offenders = graph.edges.filter((e) => isIn(e.from, floor) && forbidden.some((area) => isIn(e.to, area))).map(describeEdge);
        assert.deepEqual(offenders, [], `imports up from ${floor}:\n  ${offenders.join('\n  ')}`);
      });
    }

    it('nothing imports the composition roots (src/extension.ts, src/cli.ts)', () => {
      const offenders = graph.edges.filter((e) => e.to === 'src/extension.ts' || e.to === 'src/cli.ts').map(describeEdge);
      assert.deepEqual(offenders, []);
    });

    // Each webview file's own imports are held to "the protocol, plain core helpers, each other
    // and the web components" by test/unit/webviewSafety.test.ts ('import only the protocol…').
    // This one follows them through: what those modules import ends up in the browser bundle too.
    // The protocols (the run panel's, Insights'), Insights' data types, core; the packages: the web
    // components and the Insights charts' library (uPlot, chosen in docs/insights-charts.md) with its stylesheet.
    const WEBVIEW_SHARED = ['src/panels/protocol.ts', 'src/panels/insightsProtocol.ts', 'src/insights/model.ts'];
    // @vscode/l10n: the messages of the panels, translated by the bundle their host hands them (src/core/locale.ts).
    const WEBVIEW_PACKAGES = /^(@vscode-elements\/elements\/|uplot$|uplot\/dist\/uPlot\.min\.css$|@vscode\/l10n$)/;
    it("the webview bundles pull in, transitively, only webview/, the protocols, Insights' data types and core modules that import no Node built-in, and only their packages", () => {
      const reached = new Set<string>();
      const todo = graph.files.filter((f) => isIn(f, 'webview'));
      while (todo.length > 0) {
        const file = todo.pop()!;
        if (reached.has(file)) continue;
        reached.add(file);
        for (const edge of graph.edges) if (edge.from === file) todo.push(edge.to);
      }
      const outside = [...reached].filter((f) => !isIn(f, 'webview') && !WEBVIEW_SHARED.includes(f) && !isIn(f, 'src/core'));
      assert.deepEqual(outside, [], `the webview bundle reaches files outside webview/, ${WEBVIEW_SHARED.join(', ')} and src/core/`);
      const externals = graph.external.filter((e) => reached.has(e.from) && !WEBVIEW_PACKAGES.test(e.specifier)).map((e) => `${e.from} → ${e.specifier}`);
      assert.deepEqual(externals, [], 'a module in the webview bundle imports a Node built-in or a package');
    });

    it('has no import cycles in src/ and webview/ (type-only imports count)', () => {
      const cycles = findCycles(graph).map((cycle) => formatCycle(cycle, graph));
      assert.deepEqual(cycles, [], `import cycles (→(type) marks a hop that imports only types):\n  ${cycles.join('\n  ')}`);
    });
  });

  describe('one place each', () => {
    const sources = filesUnder('src').map((file) => ({ file: file.split(sep).join('/'), text: readFileSync(file, 'utf8') }));

    it('commands are registered only in src/commands/commandTable.ts', () => {
      const offenders = sources.filter(({ file, text }) => file !== 'src/commands/commandTable.ts' && /\bregister(TextEditor)?Command\s*\(/.test(text)).map(({ file }) => file);
      assert.deepEqual(offenders, []);
      assert.match(readFileSync('src/commands/commandTable.ts', 'utf8'), /vscode\.commands\.registerCommand\(/);
    });

    it('webview panels are made only under src/panels/', () => {
      const offenders = sources.filter(({ file, text }) => !isIn(file, 'src/panels') && /\bcreateWebviewPanel\s*\(/.test(text)).map(({ file }) => file);
      assert.deepEqual(offenders, []);
    });

    it("no 'taskHistory.<command>' string outside src/contributions.ts and the kind descriptors (src/sources/kinds/*Kind.ts)", () => {
      // The descriptors name their own Add Source command (sources cannot import the VS Code
      // names); manifest.test.ts checks that those ids are commands of COMMANDS.
      const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { commands: { command: string }[] } };
      const commandIds = new Set(manifest.contributes.commands.map((c) => c.command));
      assert.ok(commandIds.size > 10);
      const offenders = sources
        .filter(({ file }) => file !== 'src/contributions.ts' && !/^src\/sources\/kinds\/\w+Kind\.ts$/.test(file))
        .flatMap(({ file, text }) =>
          [...text.matchAll(/(affectsConfiguration\(\s*)?(['"`])(taskHistory\.[\w.]+)\2/g)]
            // A setting that shares its name with a command ('taskHistory.groupBy') is not the command.
            .filter((m) => m[1] === undefined && commandIds.has(m[3]!))
            .map((m) => `${file}: ${m[0]}`),
        );
      assert.deepEqual(offenders, []);
    });
  });
});
