// Maps an async iterable with bounded concurrency and yields results in input order:
// step details for run N+1…N+k are fetched while run N is written, and no more than
// `concurrency` are ever held, so memory stays flat.
export async function* mapOrdered<T, R>(input: AsyncIterable<T>, concurrency: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  const iterator = input[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < Math.max(1, concurrency)) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const pending = fn(next.value);
        pending.catch(() => undefined); // awaited in order below
        window.push(pending);
      }
      const head = window.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

/** Maps an array with at most `concurrency` calls in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failed = true; // the others stop taking work: the whole map has failed
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, Math.max(1, concurrency)) }, worker));
  return results;
}
