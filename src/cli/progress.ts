// Export progress on stderr: counts, percent, elapsed and time left. On a terminal one line
// is redrawn in place (`\r`); in a pipe or a CI log a line is printed every ~2 s instead,
// so logs stay readable and nothing is written for every page.
import type { ExportProgress } from '../core/export/exportRuns';
import { formatDuration } from '../core/duration';
import type { CliIo } from './cliIo';

const TTY_REDRAW_MS = 100;
const LOG_LINE_MS = 2000;
const CLEAR_LINE = '\r\u001b[K';

export function describeProgress(label: string, p: ExportProgress): string {
  const count = p.written.toLocaleString('en-US');
  const parts = [p.total !== undefined ? `${label} ${count} of ${p.total.toLocaleString('en-US')} runs (${percent(p.written, p.total)})` : `${label} ${count} runs`];
  parts.push(`${formatDuration(p.elapsedMs) || '0 ms'} elapsed`);
  if (p.remainingMs !== undefined && p.total !== undefined && p.written < p.total) parts.push(`about ${formatDuration(p.remainingMs) || '0 ms'} left`);
  return parts.join(' · ');
}

function percent(written: number, total: number): string {
  if (total <= 0) return '100%';
  return `${Math.min(100, Math.floor((written / total) * 100))}%`;
}

export class ProgressLine {
  private lastShown = Number.NEGATIVE_INFINITY;
  private onScreen = '';
  private latest?: ExportProgress;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly clock: () => number = Date.now,
  ) {}

  update(progress: ExportProgress): void {
    this.latest = progress;
    const now = this.clock();
    if (now - this.lastShown < (this.io.stderrIsTTY ? TTY_REDRAW_MS : LOG_LINE_MS)) return;
    this.lastShown = now;
    this.show(describeProgress(this.label, progress));
  }

  /** A message (a --verbose HTTP line) written without tearing the progress line. */
  log(line: string): void {
    if (this.io.stderrIsTTY && this.onScreen) {
      this.io.stderr.write(`${CLEAR_LINE}${line}\n${this.onScreen}`);
    } else {
      this.io.stderr.write(`${line}\n`);
    }
  }

  /** Leaves the terminal on a fresh line; on a TTY the last figures stay visible. */
  finish(): void {
    if (this.io.stderrIsTTY && this.onScreen) {
      if (this.latest) this.io.stderr.write(`${CLEAR_LINE}${describeProgress(this.label, this.latest)}`);
      this.io.stderr.write('\n');
    }
    this.onScreen = '';
  }

  private show(text: string): void {
    if (this.io.stderrIsTTY) {
      this.onScreen = text;
      this.io.stderr.write(`${CLEAR_LINE}${text}`);
    } else {
      this.io.stderr.write(`${text}\n`);
    }
  }
}
