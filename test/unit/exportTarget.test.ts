// Issue 14, item 2: exports to a save target that is not a local file (a remote folder, an
// extension's file system) go through VS Code's file system, keep the local path's guarantees
// (nothing at the target on failure, a full disk named) and leave no staging copy behind. The
// file system here is a real one: a scheme of its own over a real folder, with the semantics
// vscode.workspace.fs documents (copy and rename refuse to overwrite unless told to).
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { PART_SUFFIX } from '../../src/core/export/atomicFile';
import { ExportTargetError } from '../../src/core/export/exportErrors';
import { exportRuns } from '../../src/core/export/exportRuns';
import { buildRunBundle, writeRunBundle } from '../../src/core/runBundle';
import { CancelledError } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { isLocalTarget, writeThroughTarget, type TargetFileSystem, type TargetHost, type TargetUri } from '../../src/commands/exportTarget';
import { exportRunList } from '../../src/commands/runListExport';
import type { LocalRuns } from '../../src/core/localRuns';
import { useEmulator } from './support/emulatorFixture';

class TestUri implements TargetUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  get fsPath(): string {
    return this.path;
  }
  with(change: { path?: string }): TestUri {
    return new TestUri(this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class FsError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** `dirfs:` URIs name files under `root`; `file:` URIs are local paths. Failures can be injected per operation. */
class DirFileSystem implements TargetFileSystem {
  readonly calls: string[] = [];
  failCopy?: Error;
  failRenameOf?: (target: TargetUri) => Error | undefined;
  constructor(readonly root: string) {}
  local(uri: TargetUri): string {
    return uri.scheme === 'file' ? uri.fsPath : join(this.root, uri.path);
  }
  async stat(uri: TargetUri): Promise<{ type: number }> {
    const s = await stat(this.local(uri)).catch(() => {
      throw new FsError(`${uri.toString()} not found`, 'FileNotFound');
    });
    return { type: s.isDirectory() ? 2 : 1 };
  }
  async copy(source: TargetUri, target: TargetUri, options: { overwrite: boolean }): Promise<void> {
    this.calls.push(`copy ${source.scheme} -> ${posix.basename(target.path)}`);
    if (this.failCopy) throw this.failCopy;
    if (!options.overwrite && (await this.exists(target))) throw new FsError('exists', 'FileExists');
    await copyFile(this.local(source), this.local(target));
  }
  async rename(source: TargetUri, target: TargetUri, options: { overwrite: boolean }): Promise<void> {
    this.calls.push(`rename ${posix.basename(source.path).endsWith(PART_SUFFIX) ? '.part' : source.path} -> ${posix.basename(target.path)}`);
    const failure = this.failRenameOf?.(target);
    if (failure) throw failure;
    if (!options.overwrite && (await this.exists(target))) throw new FsError('exists', 'FileExists');
    await rename(this.local(source), this.local(target));
  }
  async delete(uri: TargetUri): Promise<void> {
    this.calls.push(`delete ${posix.basename(uri.path).endsWith(PART_SUFFIX) ? '.part' : uri.path}`);
    await rm(this.local(uri));
  }
  private async exists(uri: TargetUri): Promise<boolean> {
    return stat(this.local(uri)).then(
      () => true,
      () => false,
    );
  }
}

describe('Export target (issue 14, item 2: exports through VS Code’s file system)', () => {
  const emulator = useEmulator({ paragonExecutions: 300 });
  let root: string;
  let staging: string;
  let fs: DirFileSystem;
  let host: TargetHost<TestUri>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'thx-target-'));
    staging = await mkdtemp(join(tmpdir(), 'thx-staging-'));
    await mkdir(join(root, 'exports'));
    fs = new DirFileSystem(root);
    host = { fs, fileUri: (path) => new TestUri('file', path), stagingDir: staging };
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  });

  function paragon(): ParagonClient {
    const e = emulator();
    return new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, rateLimit: null, retries: 2, retryBaseDelayMs: 5 });
  }

  const target = (name: string) => new TestUri('dirfs', `/exports/${name}`);

  it('hands a file: target to core as its own path: no staging, no copy', async () => {
    const path = join(root, 'exports', 'runs.csv');
    const written = await writeThroughTarget(new TestUri('file', path), host, async (local) => {
      assert.equal(local, path);
      await writeFile(local, 'a\n');
      return 1;
    });
    assert.equal(written.local, true);
    assert.deepEqual(fs.calls, []);
    assert.deepEqual(await readdir(staging), []);
    assert.equal(isLocalTarget(new TestUri('vscode-remote', '/x')), false);
  });

  it('exports NDJSON to a dirfs: target: the file and its schema land there, through a temporary name, and no staging copy stays', async () => {
    const written = await writeThroughTarget(
      target('runs.ndjson'),
      host,
      (path) => exportRuns({ source: paragon(), query: {}, format: 'ndjson', target: path }),
      (r) => (r.schemaFile ? [r.schemaFile] : []),
    );
    assert.equal(written.local, false);
    assert.equal(written.result.records, 300);
    const lines = (await readFile(join(root, 'exports', 'runs.ndjson'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 300);
    assert.equal(typeof JSON.parse(lines[0]).id, 'string');
    assert.ok(Array.isArray(JSON.parse(await readFile(join(root, 'exports', 'runs.schema.json'), 'utf8'))));
    assert.deepEqual(
      written.companions.map((u) => u.toString()),
      ['dirfs:///exports/runs.schema.json'],
    );
    // Copied to temporary names beside the targets first, then renamed: the export, then its schema.
    assert.equal(fs.calls.length, 4);
    assert.match(fs.calls[0], /^copy file -> \.runs\.ndjson\.\d+\.[0-9a-f]{8}\.part$/);
    assert.match(fs.calls[1], /^copy file -> \.runs\.schema\.json\.\d+\.[0-9a-f]{8}\.part$/);
    assert.deepEqual(fs.calls.slice(2), ['rename .part -> runs.ndjson', 'rename .part -> runs.schema.json']);
    assert.deepEqual((await readdir(join(root, 'exports'))).sort(), ['runs.ndjson', 'runs.schema.json']);
    assert.deepEqual(await readdir(staging), []);
  });

  it('Export Run: replaces an existing file at the target (rename with overwrite) with the run bundle', async () => {
    await writeFile(join(root, 'exports', 'run.json'), 'old');
    const source = paragon();
    const runId = (await source.listPage({}, 0)).runs[0].id;
    const bundle = await buildRunBundle(source, runId, { includePayloads: false });
    const written = await writeThroughTarget(target('run.json'), host, (path) => writeRunBundle(bundle, path));
    assert.ok(written.result > 0);
    const saved = JSON.parse(await readFile(join(root, 'exports', 'run.json'), 'utf8'));
    assert.equal(saved.run.id, runId);
    assert.equal(saved.steps.length, bundle.steps.length);
    assert.deepEqual(await readdir(join(root, 'exports')), ['run.json']);
  });

  it('on a full disk at the target: says so, leaves the old file as it was and no temporary file', async () => {
    await writeFile(join(root, 'exports', 'runs.csv'), 'old');
    fs.failCopy = new FsError('ENOSPC: no space left on device, write', 'Unknown');
    const error = await writeThroughTarget(target('runs.csv'), host, (path) => exportRuns({ source: paragon(), query: {}, format: 'csv', target: path })).then(
      () => assert.fail('must fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ExportTargetError);
    assert.equal(error.message, 'Cannot write dirfs:///exports/runs.csv: the disk is full.');
    assert.equal(await readFile(join(root, 'exports', 'runs.csv'), 'utf8'), 'old');
    assert.deepEqual(await readdir(join(root, 'exports')), ['runs.csv']);
    assert.deepEqual(await readdir(staging), []);
  });

  it('when the schema cannot be put in place, its temporary file is removed; permission errors are named', async () => {
    fs.failRenameOf = (t) => (t.path.endsWith('.schema.json') ? new FsError('no', 'NoPermissions') : undefined);
    const error = await writeThroughTarget(
      target('runs.ndjson'),
      host,
      (path) => exportRuns({ source: paragon(), query: {}, format: 'ndjson', target: path }),
      (r) => (r.schemaFile ? [r.schemaFile] : []),
    ).then(
      () => assert.fail('must fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ExportTargetError);
    assert.equal(error.message, 'Cannot write dirfs:///exports/runs.schema.json: permission denied.');
    // The export itself was renamed first (as core does for a local target); the schema's temporary file is gone.
    assert.deepEqual(await readdir(join(root, 'exports')), ['runs.ndjson']);
    assert.equal(fs.calls.at(-1), 'delete .part');
  });

  it('fails before any request when the folder is missing or the target is a folder', async () => {
    let ran = false;
    const work = async () => {
      ran = true;
      return 0;
    };
    await assert.rejects(writeThroughTarget(new TestUri('dirfs', '/nowhere/runs.csv'), host, work), {
      name: 'ExportTargetError',
      message: 'The folder dirfs:///nowhere does not exist: create it or choose another file.',
    });
    await assert.rejects(writeThroughTarget(new TestUri('dirfs', '/exports'), host, work), { message: 'dirfs:///exports is a folder: give a file name to export to.' });
    assert.equal(ran, false);
  });

  it('a failed or cancelled export leaves nothing at the target and no staging copy', async () => {
    const controller = new AbortController();
    const cancelled = writeThroughTarget(target('runs.json'), host, (path) =>
      exportRuns({ source: paragon(), query: {}, format: 'json', target: path, signal: controller.signal, onProgress: () => controller.abort() }),
    );
    await assert.rejects(cancelled);
    // Cancel after the local export, before the copy: the signal is checked between the steps.
    const late = new AbortController();
    const afterWork = writeThroughTarget(
      target('runs.csv'),
      host,
      async (path) => {
        const r = await exportRuns({ source: paragon(), query: {}, format: 'csv', target: path });
        late.abort();
        return r;
      },
      undefined,
      late.signal,
    );
    await assert.rejects(afterWork, CancelledError);
    assert.deepEqual(await readdir(join(root, 'exports')), []);
    assert.deepEqual(await readdir(staging), []);
    assert.deepEqual(
      fs.calls.filter((c) => c.startsWith('copy')),
      [],
    );
  });

  describe("Export These Runs… (an error signature's runs, from Insights)", () => {
    /** The run index's copy as the export reads it: details come from it (here: the emulator, counted). */
    function localCopy(source: ParagonClient): LocalRuns & { details: string[] } {
      const details: string[] = [];
      return {
        details,
        listing: () => Promise.resolve(undefined),
        detail: (id, signal) => {
          details.push(id);
          return source.getRun(id, signal);
        },
        keep: () => undefined,
        flush: () => undefined,
      };
    }

    it('writes the runs given to a dirfs: target through its file system, oldest first with their steps, the NDJSON schema beside them', async () => {
      const source = paragon();
      const newestFirst = (await source.listPage({}, 0)).runs.slice(0, 3).map((r) => r.id);
      const local = localCopy(source);
      const written = await exportRunList({ source, ids: newestFirst, format: 'ndjson', target: target('failures.ndjson'), host, withLocalRuns: (work) => work(local) });
      assert.equal(written.local, false);
      assert.equal(written.result.records, 3);
      const lines = (await readFile(join(root, 'exports', 'failures.ndjson'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; steps?: unknown[] });
      assert.deepEqual(
        lines.map((r) => r.id),
        [...newestFirst].reverse(),
      );
      assert.ok(
        lines.every((r) => Array.isArray(r.steps)),
        'with their steps',
      );
      assert.deepEqual(new Set(local.details), new Set(newestFirst), "read through the run index's copy, only these runs");
      assert.deepEqual((await readdir(join(root, 'exports'))).sort(), ['failures.ndjson', 'failures.schema.json']);
      assert.deepEqual(
        written.companions.map((u) => u.toString()),
        ['dirfs:///exports/failures.schema.json'],
      );
      assert.ok(
        fs.calls.some((c) => c.startsWith('copy file -> .failures.ndjson.')),
        "put in place through the target's file system",
      );
      assert.deepEqual(await readdir(staging), []);
    });

    it('leaves nothing at the target when the copy fails or the run index is closed', async () => {
      const source = paragon();
      const ids = (await source.listPage({}, 0)).runs.slice(0, 2).map((r) => r.id);
      fs.failCopy = new FsError('ENOSPC: no space left on device, write', 'Unknown');
      await assert.rejects(exportRunList({ source, ids, format: 'csv', target: target('failures.csv'), host, withLocalRuns: (work) => work(localCopy(source)) }), {
        message: 'Cannot write dirfs:///exports/failures.csv: the disk is full.',
      });
      fs.failCopy = undefined;
      await assert.rejects(exportRunList({ source, ids, format: 'csv', target: target('failures.csv'), host, withLocalRuns: (work) => work(undefined) }), {
        message: 'The run index is not open: these runs come from it.',
      });
      assert.deepEqual(await readdir(join(root, 'exports')), []);
      assert.deepEqual(await readdir(staging), []);
    });
  });
});
