/** One difference between two resolved specs, at a dotted path. */
export interface SpecDifference {
  readonly path: string;
  readonly kind: 'changed' | 'only-a' | 'only-b';
  readonly a?: unknown;
  readonly b?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Leaves of a spec by dotted path; lists are leaves (they are replaced as a whole, as `extends` does). */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
}

/** What `dvc exp diff` shows for parameters: every leaf that differs, in the first spec's key order, then keys only the second has. */
export function diffSpecs(a: unknown, b: unknown, ignore: (path: string) => boolean = () => false): SpecDifference[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const out: SpecDifference[] = [];
  for (const [path, va] of fa) {
    if (ignore(path)) continue;
    if (!fb.has(path)) out.push({ path, kind: 'only-a', a: va });
    else if (JSON.stringify(va) !== JSON.stringify(fb.get(path))) out.push({ path, kind: 'changed', a: va, b: fb.get(path) });
  }
  for (const [path, vb] of fb) if (!fa.has(path) && !ignore(path)) out.push({ path, kind: 'only-b', b: vb });
  return out;
}
