// When the run index syncs by itself: a first pass shortly after the index opens, then one
// every interval (0: never; only the command syncs). Never two syncs at once: a pass syncs
// its sources one after another, and a sync the user asks for (`exclusive`) waits for the
// pass in flight and holds background passes off while it runs. A source that fails is
// retried less and less often (its interval doubled per failure, up to a cap), so an
// offline source or a rejected key does not cost a request every interval. Paused while the
// window has been away long (`paused`): the skipped pass runs when it comes back (`resume`).
// Plain logic with injectable timers, no `vscode`: the extension drives it, tests drive the clock.
// Also the few texts the extension shows of it (progress, time left, offline).
import * as l10n from '@vscode/l10n';
import { relativeTime } from '../core/format';
import { formatFixed, formatNumber } from '../core/locale';
import type { SyncProgress } from './sync';

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const DEFAULT_FIRST_DELAY_MS = 10_000;
export const DEFAULT_MAX_BACKOFF_MS = 4 * 3_600_000;

export interface BackgroundSyncOptions {
  /** The sources a pass syncs, in order (the extension: non-demo sources with a key). */
  readonly sources: () => readonly string[] | Promise<readonly string[]>;
  /** Syncs one source; throws when it fails. The signal fires when the pass is stopped. */
  readonly syncOne: (sourceId: string, signal: AbortSignal) => Promise<void>;
  /** Between the end of a pass and the start of the next; 0 turns background sync off. Read at each scheduling. */
  readonly intervalMs: () => number;
  /** From start() to the first pass (default 10 s: the window settles first). */
  readonly firstDelayMs?: number;
  readonly maxBackoffMs?: number;
  /** True while passes should wait (the window has been unfocused for long). */
  readonly paused?: () => boolean;
  /** A source's sync failed; `failures` counts its failures in a row (the source id is '' when the list of sources could not be had). */
  readonly onError?: (sourceId: string, error: unknown, failures: number) => void;
  readonly timers?: Timers;
}

/** What one background pass did. */
export interface PassReport {
  readonly synced: readonly string[];
  readonly failed: readonly string[];
  /** Sources left for later: still backing off after failures. */
  readonly backingOff: readonly string[];
  /** The pass was stopped before it went through every source. */
  readonly stopped: boolean;
}

export class BackgroundSync {
  private readonly timers: Timers;
  private timer: unknown;
  /** When the timer fires. */
  private dueAt: number | undefined;
  /** soon() was asked during a pass: the next one comes after the first delay, not an interval. */
  private again = false;
  private started = false;
  private pass: Promise<PassReport> | undefined;
  private controller: AbortController | undefined;
  /** Per source: failures in a row and when it may be tried again. */
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
  /** Syncs the user asked for, running or waiting: background passes hold off meanwhile. */
  private exclusives = 0;
  /** A pass came due while paused: it runs on resume(). */
  private skipped = false;
  /** Passes run so far (tests and the log). */
  passes = 0;

  constructor(private readonly options: BackgroundSyncOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** Starts the schedule: a first pass after `firstDelayMs`, unless the interval is 0. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(this.options.firstDelayMs ?? DEFAULT_FIRST_DELAY_MS);
  }

  /** Stops the schedule and the pass in flight (what it synced stays: a sync resumes from its checkpoint). */
  stop(): void {
    this.started = false;
    this.skipped = false;
    this.clearTimer();
    this.controller?.abort();
  }

  /** The interval changed: the next pass is an interval from now (or never, at 0). */
  reschedule(): void {
    if (!this.started) return;
    this.clearTimer();
    if (!this.pass) this.schedule(this.options.intervalMs());
  }

  /** Something new to sync (a key was set, a source added): a pass after the first delay, unless one comes sooner. */
  soon(): void {
    if (!this.started) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    const delay = this.options.firstDelayMs ?? DEFAULT_FIRST_DELAY_MS;
    if (this.dueAt !== undefined && this.dueAt <= this.timers.now() + delay) return;
    this.schedule(delay);
  }

  /** The window is back: a pass skipped while paused runs now. */
  resume(): void {
    if (!this.started || !this.skipped || this.pass || this.options.paused?.()) return;
    this.skipped = false;
    this.clearTimer();
    void this.run();
  }

  /** A background pass is running. */
  get busy(): boolean {
    return this.pass !== undefined;
  }

  /** Stops the pass in flight (the schedule goes on). */
  cancelPass(): void {
    this.controller?.abort();
  }

  /** Resolves when no background pass is running (at once when none is). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass.catch(() => undefined);
  }

  /** A source may be tried at the next pass again (its key changed, or the user's sync of it worked). */
  clearBackoff(sourceId?: string): void {
    if (sourceId === undefined) this.failures.clear();
    else this.failures.delete(sourceId);
  }

  /** Failures in a row of a source, and when the next pass may try it. */
  backoff(sourceId: string): { readonly count: number; readonly retryAt: number } | undefined {
    return this.failures.get(sourceId);
  }

  /**
   * A sync the user asked for: it waits for the background pass in flight, and background
   * passes hold off until it ends. Never two syncs at once, and the user's never fails for
   * the background's sake.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.exclusives++;
    try {
      await this.idle();
      return await work();
    } finally {
      this.exclusives--;
    }
  }

  /** Runs a pass now (the timer's job; tests call it too). A pass already running is joined. */
  run(): Promise<PassReport> {
    if (this.pass) return this.pass;
    const controller = (this.controller = new AbortController());
    const pass = (this.pass = this.syncAll(controller.signal).finally(() => {
      this.pass = undefined;
      if (this.controller === controller) this.controller = undefined;
      this.passes++;
      const again = this.again;
      this.again = false;
      if (this.started) this.schedule(again ? (this.options.firstDelayMs ?? DEFAULT_FIRST_DELAY_MS) : this.options.intervalMs());
    }));
    return pass;
  }

  private async syncAll(signal: AbortSignal): Promise<PassReport> {
    const synced: string[] = [];
    const failed: string[] = [];
    const backingOff: string[] = [];
    let ids: readonly string[] = [];
    try {
      ids = await this.options.sources();
    } catch (error) {
      this.options.onError?.('', error, 0);
    }
    for (const id of ids) {
      if (signal.aborted) break;
      const backoff = this.failures.get(id);
      if (backoff && backoff.retryAt > this.timers.now()) {
        backingOff.push(id);
        continue;
      }
      try {
        await this.options.syncOne(id, signal);
        this.failures.delete(id);
        synced.push(id);
      } catch (error) {
        // Stopped, not failed: the next pass goes on from the checkpoint.
        if (signal.aborted) break;
        const count = (backoff?.count ?? 0) + 1;
        const interval = Math.max(this.options.intervalMs(), 60_000);
        const wait = Math.min(this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, interval * 2 ** (count - 1));
        this.failures.set(id, { count, retryAt: this.timers.now() + wait });
        failed.push(id);
        this.options.onError?.(id, error, count);
      }
    }
    return { synced, failed, backingOff, stopped: signal.aborted };
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (!this.started || !(ms > 0) || !(this.options.intervalMs() > 0)) return;
    this.dueAt = this.timers.now() + ms;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.dueAt = undefined;
      this.due();
    }, ms);
  }

  private due(): void {
    if (!this.started) return;
    if (this.options.paused?.()) {
      this.skipped = true;
      return;
    }
    // The user's sync is running or waiting: it syncs everything; the next pass is an interval later.
    if (this.exclusives > 0) {
      this.schedule(this.options.intervalMs());
      return;
    }
    void this.run();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = undefined;
  }
}

/** What a sync in progress says, quietly (the status bar): "listing 42% · 3 min left". */
export function describeSyncProgress(progress: { readonly phase: SyncPhase; readonly done: number; readonly total?: number; readonly remainingMs?: number }): string {
  const phase = phaseLabel(progress.phase);
  const parts = [
    progress.total !== undefined && progress.total > 0
      ? l10n.t('{0} {1}', phase, formatNumber(Math.min(100, Math.floor((progress.done / progress.total) * 100)) / 100, { style: 'percent' }))
      : progress.done > 0
        ? l10n.t('{0} {1}', phase, formatNumber(progress.done))
        : phase,
  ];
  if (progress.remainingMs !== undefined) parts.push(describeTimeLeft(progress.remainingMs));
  return parts.join(' · ');
}

type SyncPhase = SyncProgress['phase'];

function phaseLabel(phase: SyncPhase): string {
  switch (phase) {
    case 'listing':
      return l10n.t('listing');
    case 'backfilling':
      return l10n.t('backfilling');
    case 'tagging':
      return l10n.t('tagging');
    case 'rechecking':
      return l10n.t('rechecking');
    case 'details':
      return l10n.t('details');
  }
}

export function describeTimeLeft(ms: number): string {
  if (ms < 60_000) return l10n.t('under a minute left');
  if (ms < 90 * 60_000) return l10n.t('{0} min left', Math.round(ms / 60_000));
  return l10n.t('{0} h left', formatFixed(ms / 3_600_000, 1));
}

/**
 * The row that says a source is offline and what the tree shows instead: "Offline: Could not
 * reach Paragon at http://… · showing 1,204 indexed runs, last synced 12 min ago". The
 * reason is the error's first sentence (its advice is in the tooltip).
 */
export function describeOffline(reason: string, indexed: number, lastSynced: Date | undefined, now = Date.now()): string {
  const first = reason.split(/\.\s/)[0]!.replace(/\.$/, '');
  const count = formatNumber(indexed);
  if (!lastSynced) {
    return indexed === 1
      ? l10n.t('Offline: {0} · showing 1 indexed run, never synced completely', first)
      : l10n.t('Offline: {0} · showing {1} indexed runs, never synced completely', first, count);
  }
  const ago = relativeTime(lastSynced.toISOString(), now);
  return indexed === 1
    ? l10n.t('Offline: {0} · showing 1 indexed run, last synced {1}', first, ago)
    : l10n.t('Offline: {0} · showing {1} indexed runs, last synced {2}', first, count, ago);
}
