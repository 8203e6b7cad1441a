// Tables looked up with text from the API (statuses) or from users (filters). A plain
// object literal inherits `constructor`, `__proto__`, `toString`…, so a status named
// "constructor" would map to a function; these tables have no prototype at all.

/** A frozen copy of `entries` without a prototype: only its own keys are ever found. */
export function lookupTable<T extends object>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}
