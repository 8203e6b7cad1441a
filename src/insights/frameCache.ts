// The Insights frames of an open run index, one per source, kept while the index is open (a
// closed index's frames go with it): each use brings the frame up to the index first (only
// what changed). A source's frame is first looked for beside the index (frameFile.ts, saved by
// an earlier process), and read from the index only when there is none that can be used.
import type { SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import { loadFrame, saveFrame, saveFrameNow } from './frameFile';
import { RunFrame } from './runFrame';

const byIndex = new WeakMap<RunIndex, Map<string, RunFrame>>();

function framesOf(index: RunIndex): Map<string, RunFrame> {
  let frames = byIndex.get(index);
  if (!frames) byIndex.set(index, (frames = new Map()));
  return frames;
}

/** A frame to start from: the one saved beside the index if it is usable, else an empty one (its first update reads everything). */
function startingFrame(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean): RunFrame {
  return loadFrame(index, sourceId, kind, withSteps) ?? RunFrame.empty(sourceId, kind, withSteps);
}

export const FrameCache = {
  /** The source's frame, up to date, read now if need be (blocking: the CLI, and callers that must answer at once). */
  now(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean): RunFrame {
    const frames = framesOf(index);
    const held = frames.get(sourceId);
    if (held && held.kind === kind && !held.busy) {
      held.updateNow(index);
      return held;
    }
    // None yet, or one being read in slices: one read now takes its place (the slices finish on the old one, unused).
    const frame = startingFrame(index, sourceId, kind, withSteps);
    frame.updateNow(index);
    frames.set(sourceId, frame);
    return frame;
  },

  /**
   * The source's frame, up to date, read in slices with `pause` awaited between them (the
   * extension host: a first read of 150,000 runs never holds its thread for more than a chunk).
   */
  async ready(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean, pause: () => Promise<void>): Promise<RunFrame> {
    const frames = framesOf(index);
    let frame = frames.get(sourceId);
    if (!frame || frame.kind !== kind) {
      frame = startingFrame(index, sourceId, kind, withSteps);
      frames.set(sourceId, frame);
    }
    await frame.update(index, pause);
    return frame;
  },

  /** Saves the source's frame beside the index if it changed since it was saved (a cache for the next process); false when there was nothing to save. */
  async save(index: RunIndex, sourceId: string): Promise<boolean> {
    const frame = framesOf(index).get(sourceId);
    return frame ? saveFrame(index, frame) : false;
  },

  /** The same, at once (the CLI, about to exit). */
  saveNow(index: RunIndex, sourceId: string): boolean {
    const frame = framesOf(index).get(sourceId);
    return frame ? saveFrameNow(index, frame) : false;
  },
};
