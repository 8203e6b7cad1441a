// Reads the import graph of TypeScript folders, for the architecture tests (issue 10 item 3):
// which file imports which, so a test can forbid an import from a lower floor to a higher one
// and any import cycle. TypeScript's own parser reads each file, so an import written in a
// comment or a string is not one, and every form counts: `import … from`, `import '…'`,
// `export … from`, `import x = require()`, `import('…')`, `require('…')` and `import('…').T`
// in a type. Type-only imports count too (an architectural cycle is a cycle even when the
// compiler erases it), but each edge says whether it is type-only so a report can tell.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export type ImportForm = 'import' | 'export' | 'dynamic' | 'require' | 'typeof-import';

/** One import of one file by another, both paths relative to the base folder, with `/`. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  readonly form: ImportForm;
  /** Erased at runtime: `import type`, `export type`, every named import marked `type`, or `import('…').T` in a type. */
  readonly typeOnly: boolean;
}

export interface ImportGraph {
  /** Every file read, sorted. */
  readonly files: readonly string[];
  /** Imports of files in the graph, in file then source order. */
  readonly edges: readonly ImportEdge[];
  /** Relative specifiers that name no file: a broken path (or a file outside the roots). */
  readonly unresolved: readonly { readonly from: string; readonly specifier: string }[];
  /** Non-relative specifiers (packages, node: built-ins, vscode), which are not part of the graph. */
  readonly external: readonly { readonly from: string; readonly specifier: string; readonly typeOnly: boolean }[];
}

const SOURCE = /\.(ts|tsx|mts|cts)$/;

function sourceFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFilesUnder(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The file a relative specifier names, the way the bundler resolves it: as written, `.ts`, `.tsx`, `/index.ts`, or `.js` written for `.ts`. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(fromFile, '..', specifier);
  const candidates = [
    ...(/\.(c|m)?js$/.test(base)
      ? [
          base
            .replace(/\.js$/, '.ts')
            .replace(/\.mjs$/, '.mts')
            .replace(/\.cjs$/, '.cts'),
          base.replace(/\.js$/, '.tsx'),
        ]
      : []),
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  return candidates.find(isFile);
}

interface RawImport {
  readonly specifier: string;
  readonly form: ImportForm;
  readonly typeOnly: boolean;
}

/** Every import a file's text makes, in source order. */
export function importsOf(fileName: string, text: string): RawImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: RawImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      // `import { type A, type B } from` is erased as a whole under isolatedModules' rules only with no default and no plain name.
      const allNamedTypes = !!clause && !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, form: 'import', typeOnly: !!clause && (clause.isTypeOnly || allNamedTypes) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const allNamedTypes = !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, form: 'export', typeOnly: node.isTypeOnly || allNamedTypes });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, form: 'require', typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const specifier = (node.arguments[0] as ts.StringLiteralLike).text;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push({ specifier, form: 'dynamic', typeOnly: false });
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') found.push({ specifier, form: 'require', typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, form: 'typeof-import', typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}

/** The import graph of every TypeScript file under the given folders (relative to `baseDir`). */
export function readImportGraph(roots: readonly string[], baseDir: string = process.cwd()): ImportGraph {
  const absolute = roots.flatMap((root) => sourceFilesUnder(resolve(baseDir, root)));
  const inGraph = new Set(absolute);
  const name = (path: string): string => toPosix(relative(baseDir, path));
  const edges: ImportEdge[] = [];
  const unresolved: { from: string; specifier: string }[] = [];
  const external: { from: string; specifier: string; typeOnly: boolean }[] = [];
  for (const file of [...absolute].sort()) {
    for (const { specifier, form, typeOnly } of importsOf(file, readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) {
        external.push({ from: name(file), specifier, typeOnly });
        continue;
      }
      const target = resolveRelative(file, specifier);
      if (target === undefined) unresolved.push({ from: name(file), specifier });
      else if (inGraph.has(target)) edges.push({ from: name(file), to: name(target), specifier, form, typeOnly });
      // A file outside the roots (package.json, a test helper) is outside the graph: not an edge, not broken.
    }
  }
  return { files: absolute.map(name).sort(), edges, unresolved, external };
}

/** A cycle as the files on it, the first one repeated at the end: ['a.ts', 'b.ts', 'a.ts']. */
export type Cycle = readonly string[];

/** Strongly connected components (Tarjan), each sorted, components in order of their first file. */
function components(nodes: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = next.get(frame.node) ?? [];
      if (frame.i < targets.length) {
        const target = targets[frame.i++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, i: 0 });
        } else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        result.push(component.sort());
      }
    }
  }
  return result.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Every elementary cycle of the graph, each once, starting at its alphabetically first file,
 * in a stable order (by component, then root, then path). Searched within each strongly connected component; `limit` caps the count so a
 * tangle of many files cannot make the test run for ever (the tangle still shows, cut short).
 */
export function findCycles(graph: Pick<ImportGraph, 'files' | 'edges'>, limit = 500): Cycle[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of graph.edges) {
    const targets = next.get(from) ?? [];
    if (!targets.includes(to)) targets.push(to);
    next.set(from, targets);
  }
  for (const targets of next.values()) targets.sort();
  const cycles: Cycle[] = [];
  for (const component of components(graph.files, next)) {
    const members = new Set(component);
    if (component.length === 1 && !(next.get(component[0]!) ?? []).includes(component[0]!)) continue;
    // Rooted at each member in turn, visiting only later members: each cycle found once, from its first file.
    for (const [rootIndex, root] of component.entries()) {
      const allowed = new Set(component.slice(rootIndex));
      const path: string[] = [root];
      const onPath = new Set(path);
      const walk = (node: string): void => {
        for (const target of next.get(node) ?? []) {
          if (cycles.length >= limit) return;
          if (!members.has(target) || !allowed.has(target)) continue;
          if (target === root) cycles.push([...path, root]);
          else if (!onPath.has(target)) {
            path.push(target);
            onPath.add(target);
            walk(target);
            onPath.delete(target);
            path.pop();
          }
        }
      };
      walk(root);
    }
  }
  return cycles;
}

/** Whether the cycle runs only through type-only imports at some hop (so it vanishes at runtime, but is still a cycle of the design). */
export function isErasedAtRuntime(cycle: Cycle, graph: Pick<ImportGraph, 'edges'>): boolean {
  return cycle.slice(1).some((to, i) => graph.edges.filter((e) => e.from === cycle[i] && e.to === to).every((e) => e.typeOnly));
}

/** 'a.ts → b.ts → a.ts', with the hops that only import types marked. */
export function formatCycle(cycle: Cycle, graph?: Pick<ImportGraph, 'edges'>): string {
  const hops = cycle.slice(1).map((to, i) => {
    const typeOnly = graph !== undefined && graph.edges.filter((e) => e.from === cycle[i] && e.to === to).every((e) => e.typeOnly);
    return `${typeOnly ? ' →(type) ' : ' → '}${to}`;
  });
  return `${cycle[0]}${hops.join('')}`;
}
