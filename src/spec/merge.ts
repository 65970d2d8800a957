export type PlainObject = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is PlainObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Deep merge used by `extends`: objects merge key by key, everything else (arrays included)
 * is replaced by the overriding value, an explicit `null` removes the key, and objects for
 * which `atomic(path)` holds (e.g. a schedule, whose keys exclude each other) are replaced
 * as a whole. Neither input is modified.
 */
export function deepMerge(base: PlainObject, over: PlainObject, atomic: (path: readonly string[]) => boolean = () => false, path: readonly string[] = []): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const here = [...path, key];
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key]) && !atomic(here)) out[key] = deepMerge(out[key] as PlainObject, value, atomic, here);
    else out[key] = structuredClone(value);
  }
  return out;
}

export function getIn(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as PlainObject)[String(segment)];
  }
  return node;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
