// The manifest (package.json `contributes`) held against the names the code uses
// (src/contributions.ts and the model): VS Code reads the manifest as plain strings, so a
// command the manifest lists but nothing registers shows in the palette and does nothing, a
// menu `when` clause naming a context key or a view-item token the code never sets hides its
// item for ever, and a welcome link to a missing command fails silently. None of that is a
// compile error; this test makes it one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_COMMANDS, COMMANDS, CONTEXT_KEYS, VIEWS, VIEW_ITEM } from '../../src/contributions';
import { GROUP_BY_LABELS } from '../../src/core/grouping';
import { RUN_STATUSES, SOURCE_KIND_IDS } from '../../src/core/model';
import { INSIGHTS_VIEW_TYPE } from '../../src/panels/insightsProtocol';
import { RUN_PANEL_VIEW_TYPE } from '../../src/panels/protocol';
import { SOURCE_KINDS } from '../../src/sources/kinds';

interface MenuItem {
  readonly command?: string;
  readonly alt?: string;
  readonly when?: string;
}

interface Manifest {
  readonly activationEvents?: readonly string[];
  readonly contributes: {
    readonly commands: readonly { readonly command: string }[];
    readonly menus: Readonly<Record<string, readonly MenuItem[]>>;
    readonly keybindings?: readonly { readonly command: string; readonly when?: string }[];
    readonly views: Readonly<Record<string, readonly { readonly id: string; readonly when?: string }[]>>;
    readonly viewsWelcome?: readonly { readonly view: string; readonly contents: string; readonly when?: string }[];
    readonly configuration: {
      readonly properties: Readonly<
        Record<string, { readonly enum?: readonly string[]; readonly items?: { readonly properties?: Record<string, { readonly enum?: readonly string[] }> } }>
      >;
    };
  };
}

// The manifest's text is in package.nls.json ("%key%" in package.json): read as VS Code shows it in English.
const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
const manifest = JSON.parse(readFileSync('package.json', 'utf8').replace(/"%([^%"]+)%"/g, (whole, key: string) => (key in nls ? JSON.stringify(nls[key]) : whole))) as Manifest;
const contributes = manifest.contributes;
const commandIds = new Set<string>(Object.values(COMMANDS));

/**
 * The string values of a union type written in a module (`export type MessageKind = 'a' | 'b';`),
 * for the tokens that exist only as a type: the module itself imports vscode, or has no array of them.
 */
function unionMembers(file: string, typeName: string): string[] {
  const match = new RegExp(`export type ${typeName}\\s*=([^;]+);`).exec(readFileSync(file, 'utf8'));
  assert.ok(match, `no 'export type ${typeName} = …' in ${file}`);
  const members = [...match[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  assert.ok(members.length > 0, `${typeName} in ${file} has no string members`);
  return members;
}

/** Every `when` clause in the manifest, with where it is. */
function whenClauses(): { readonly where: string; readonly when: string }[] {
  const clauses: { where: string; when: string }[] = [];
  for (const [menu, items] of Object.entries(contributes.menus)) {
    for (const item of items) if (item.when) clauses.push({ where: `menus.${menu} ${item.command ?? ''}`, when: item.when });
  }
  for (const binding of contributes.keybindings ?? []) if (binding.when) clauses.push({ where: `keybindings ${binding.command}`, when: binding.when });
  for (const welcome of contributes.viewsWelcome ?? []) if (welcome.when) clauses.push({ where: `viewsWelcome ${welcome.view}`, when: welcome.when });
  for (const views of Object.values(contributes.views)) for (const view of views) if (view.when) clauses.push({ where: `views ${view.id}`, when: view.when });
  return clauses;
}

/** The tokens of a contextValue regex (`/^(source|group)\b/` → source, group), and which ones it anchors as the first. */
function regexTokens(pattern: string): { readonly tokens: string[]; readonly first: string[] } {
  const words = (text: string): string[] => [...text.replace(/\\[bBdDwWsS]/g, ' ').matchAll(/[A-Za-z][\w-]*/g)].map((m) => m[0]);
  const anchored = /^\^(\([^)]*\)|[\w-]+)/.exec(pattern);
  return { tokens: words(pattern), first: anchored ? words(anchored[1]!) : [] };
}

describe('Manifest (package.json contributes) and the code agree', () => {
  it('contributes.commands and COMMANDS (src/contributions.ts, all registered by the command table) are the same set, each listed once', () => {
    const listed = contributes.commands.map((c) => c.command);
    assert.deepEqual(
      listed.filter((id, i) => listed.indexOf(id) !== i),
      [],
      'commands listed twice in package.json',
    );
    const onlyInManifest = listed.filter((id) => !commandIds.has(id));
    const onlyInCode = [...commandIds].filter((id) => !listed.includes(id));
    assert.deepEqual({ onlyInManifest, onlyInCode }, { onlyInManifest: [], onlyInCode: [] });
  });

  it('every command a menu (any menu, its alt too) or a keybinding names is in COMMANDS', () => {
    const named = [
      ...Object.entries(contributes.menus).flatMap(([menu, items]) =>
        items.flatMap((item) => [item.command, item.alt].filter((c): c is string => c !== undefined).map((command) => ({ where: menu, command }))),
      ),
      ...(contributes.keybindings ?? []).map((binding) => ({ where: 'keybindings', command: binding.command })),
    ];
    assert.ok(named.length > 10, 'expected menu items');
    assert.deepEqual(
      named.filter(({ command }) => !commandIds.has(command)).map(({ where, command }) => `${where}: ${command}`),
      [],
    );
  });

  it('every viewItem token in a when clause is one the tree sets: a VIEW_ITEM, a run status, a source kind, a group dimension or a message kind', () => {
    // What contextValues are made of (src/views/nodes/*.ts): the node's VIEW_ITEM first, then a
    // source's kind, a group's dimension (and status), a run's or step's status, a message's kind.
    const known = new Set<string>([
      ...Object.values(VIEW_ITEM),
      ...RUN_STATUSES,
      ...SOURCE_KIND_IDS,
      ...unionMembers('src/core/grouping.ts', 'GroupDimension'),
      ...unionMembers('src/views/nodes/messageNode.ts', 'MessageKind'),
    ]);
    // The node kinds: what a contextValue starts with (viewItem() puts its first argument there).
    const nodeKinds = new Set<string>([VIEW_ITEM.source, VIEW_ITEM.group, VIEW_ITEM.run, VIEW_ITEM.step, VIEW_ITEM.message, VIEW_ITEM.loadMore]);
    const unknown: string[] = [];
    const notNodeKinds: string[] = [];
    let seen = 0;
    for (const { where, when } of whenClauses()) {
      for (const match of when.matchAll(/\bviewItem\s*(=~|==|!=)\s*(\/((?:\\.|[^/\\])*)\/|'([^']*)'|[\w-]+)/g)) {
        seen++;
        const [, operator, whole, pattern, quoted] = match;
        // `==` compares the whole contextValue: its first token is the node kind.
        const { tokens, first } = operator === '=~' ? regexTokens(pattern!) : { tokens: (quoted ?? whole!).split(' '), first: [(quoted ?? whole!).split(' ')[0]!] };
        for (const token of tokens) if (!known.has(token)) unknown.push(`${where}: '${token}' in ${match[0]}`);
        for (const token of first) if (!nodeKinds.has(token)) notNodeKinds.push(`${where}: '${token}' in ${match[0]}`);
      }
    }
    assert.ok(seen > 5, 'expected viewItem clauses in the menus');
    assert.deepEqual({ unknown, notNodeKinds }, { unknown: [], notNodeKinds: [] });
  });

  it('every taskHistory.* context key in a when clause is a CONTEXT_KEYS value or a view id (VIEWS)', () => {
    const known = new Set<string>([...Object.values(CONTEXT_KEYS), ...Object.values(VIEWS)]);
    const unknown: string[] = [];
    let seen = 0;
    for (const { where, when } of whenClauses()) {
      // Quoted strings are values (a webview panel's type, checked below) and regexes match a viewItem: neither names a key.
      const keysOnly = when.replace(/'[^']*'/g, "''").replace(/=~\s*\/(?:\\.|[^/\\])*\//g, '=~ //');
      for (const [key] of keysOnly.matchAll(/\btaskHistory\.[\w.]+/g)) {
        seen++;
        if (!known.has(key)) unknown.push(`${where}: ${key}`);
      }
    }
    assert.ok(seen > 5, 'expected taskHistory.* keys in the when clauses');
    assert.deepEqual(unknown, []);
  });

  it("every webview panel type the manifest names (activeWebviewPanelId == '…', onWebviewPanel:…) is the run panel's or Insights' (RUN_PANEL_VIEW_TYPE, INSIGHTS_VIEW_TYPE)", () => {
    const named = [
      ...whenClauses().flatMap(({ where, when }) => [...when.matchAll(/\bactiveWebviewPanelId\s*(?:==|!=)\s*'([^']*)'/g)].map((m) => ({ where, type: m[1]! }))),
      ...(manifest.activationEvents ?? []).filter((e) => e.startsWith('onWebviewPanel:')).map((e) => ({ where: 'activationEvents', type: e.slice('onWebviewPanel:'.length) })),
    ];
    assert.ok(named.length > 0);
    assert.deepEqual(
      named.filter(({ type }) => type !== RUN_PANEL_VIEW_TYPE && type !== INSIGHTS_VIEW_TYPE).map(({ where, type }) => `${where}: ${type}`),
      [],
    );
  });

  it('the views and their welcome content are the ones VIEWS names', () => {
    const viewIds = Object.values(contributes.views).flatMap((views) => views.map((v) => v.id));
    assert.deepEqual(
      (contributes.viewsWelcome ?? []).map((w) => w.view).filter((view) => !viewIds.includes(view)),
      [],
    );
    assert.deepEqual(viewIds, [VIEWS.runs]);
  });

  it('every command link in the welcome content (command:taskHistory.…) is in COMMANDS', () => {
    const links = (contributes.viewsWelcome ?? []).flatMap((w) => [...w.contents.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!));
    assert.ok(links.length > 0, 'expected command links in viewsWelcome');
    const builtins = new Set<string>(Object.values(BUILTIN_COMMANDS));
    assert.deepEqual(
      links.filter((id) => !commandIds.has(id) && !builtins.has(id)),
      [],
    );
  });

  it("each source kind's Add Source command (SOURCE_KINDS[].addSourceSteps.commandId) is in COMMANDS", () => {
    const named = SOURCE_KINDS.flatMap((d) => (d.addSourceSteps.commandId === undefined ? [] : [{ kind: d.kind, commandId: d.addSourceSteps.commandId }]));
    assert.ok(named.length > 0, 'expected kinds with an Add Source command');
    assert.deepEqual(
      named.filter(({ commandId }) => !commandIds.has(commandId)).map(({ kind, commandId }) => `${kind}: ${commandId}`),
      [],
    );
  });

  it("the taskHistory.sources setting's kind enum is SOURCE_KIND_IDS", () => {
    const kind = contributes.configuration.properties['taskHistory.sources']?.items?.properties?.['kind'];
    assert.ok(kind, 'taskHistory.sources has no items.properties.kind');
    assert.deepEqual(kind.enum, [...SOURCE_KIND_IDS]);
  });

  it("the taskHistory.groupBy setting's enum is every GroupBy (core/grouping.ts GROUP_BY_LABELS)", () => {
    const groupBy = contributes.configuration.properties['taskHistory.groupBy'];
    assert.ok(groupBy?.enum, 'taskHistory.groupBy has no enum');
    assert.deepEqual([...groupBy.enum].sort(), Object.keys(GROUP_BY_LABELS).sort());
  });
});
