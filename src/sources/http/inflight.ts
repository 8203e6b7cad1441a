// One request for identical GETs in flight: a tree refresh, a hover and a panel asking
// for the same run at once share one round trip. Each caller keeps its own AbortSignal;
// the shared request is aborted only when every caller has given up.
import { CancelledError } from '../../core/errors';

interface Shared<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiting: number;
}

export class InflightRequests {
  private readonly byKey = new Map<string, Shared<unknown>>();
  /** Calls that joined a request already in flight instead of starting one. */
  joined = 0;

  get size(): number {
    return this.byKey.size;
  }

  run<T>(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let shared = this.byKey.get(key) as Shared<T> | undefined;
    if (!shared) {
      const controller = new AbortController();
      const promise = start(controller.signal).finally(() => {
        if (this.byKey.get(key) === entry) this.byKey.delete(key);
      });
      const entry: Shared<T> = { promise, controller, waiting: 0 };
      // Callers may all leave; the shared promise must not become an unhandled rejection.
      promise.catch(() => undefined);
      this.byKey.set(key, entry as Shared<unknown>);
      shared = entry;
    } else {
      this.joined++;
    }
    return this.follow(key, shared, signal);
  }

  private follow<T>(key: string, shared: Shared<T>, signal: AbortSignal | undefined): Promise<T> {
    shared.waiting++;
    if (!signal) return shared.promise.finally(() => shared.waiting--);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        shared.waiting--;
        if (shared.waiting === 0) {
          // Nobody is left: stop the request, and let a later caller start a fresh one.
          shared.controller.abort();
          if (this.byKey.get(key) === shared) this.byKey.delete(key);
        }
        reject(new CancelledError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          shared.waiting--;
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          shared.waiting--;
          reject(error);
        },
      );
    });
  }
}
