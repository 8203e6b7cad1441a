// Reads untrusted JSON into typed values, naming the field when the shape is wrong.
// Hand-written rather than a schema library: the rules are lenient in ways a schema
// would fight (unknown fields ignored, numbers sent as strings, null meaning absent,
// unknown statuses kept), and every client needs only these few readers.
import * as l10n from '@vscode/l10n';
import { ProtocolError } from '../core/errors';

export type WireObject = Readonly<Record<string, unknown>>;

export class WireReader {
  constructor(private readonly apiName: string) {}

  fail(path: string, expected: string, actual: unknown): never {
    const got = actual === null ? 'null' : Array.isArray(actual) ? 'an array' : typeof actual;
    throw new ProtocolError(
      l10n.t('{0} sent a response that does not match its documented shape: "{1}" should be {2} but is {3}.', this.apiName, path, expected, got),
      `shape mismatch at ${path}: expected ${expected}, got ${got}`,
    );
  }

  object(value: unknown, path: string): WireObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'an object', value);
    return value as WireObject;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'an array', value);
    return value;
  }

  /** A required non-empty string (ids). Numbers are accepted and turned into strings. */
  id(obj: WireObject, key: string, path: string): string {
    const value = obj[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string' || value.length === 0) this.fail(`${path}.${key}`, 'a non-empty string', value);
    return value;
  }

  string(obj: WireObject, key: string, path: string): string {
    const value = obj[key];
    if (typeof value !== 'string') this.fail(`${path}.${key}`, 'a string', value);
    return value;
  }

  optionalString(obj: WireObject, key: string, path: string): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') this.fail(`${path}.${key}`, 'a string', value);
    return value;
  }

  /** A number, also when sent as a numeric string (Paragon's inputSize). */
  optionalNumber(obj: WireObject, key: string, path: string): number | undefined {
    const value = obj[key];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) this.fail(`${path}.${key}`, 'a number', value);
    return number;
  }

  number(obj: WireObject, key: string, path: string): number {
    const value = this.optionalNumber(obj, key, path);
    if (value === undefined) this.fail(`${path}.${key}`, 'a number', obj[key]);
    return value;
  }

  optionalBoolean(obj: WireObject, key: string, path: string): boolean | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(`${path}.${key}`, 'a boolean', value);
    return value;
  }

  optionalStringArray(obj: WireObject, key: string, path: string): string[] | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    return this.array(value, `${path}.${key}`).map((item, i) => {
      if (typeof item !== 'string') this.fail(`${path}.${key}[${i}]`, 'a string', item);
      return item;
    });
  }
}
