import type { Problem, SpecPath } from '../problems.js';

/** A semantic problem before it is located in a file (the resolver adds locations). */
export type Issue = Omit<Problem, 'location'> & { readonly key?: boolean };

export function error(code: string, path: SpecPath, message: string, hint?: string, key?: boolean): Issue {
  return { severity: 'error', code, path, message, ...(hint ? { hint } : {}), ...(key ? { key } : {}) };
}

export function warning(code: string, path: SpecPath, message: string, hint?: string): Issue {
  return { severity: 'warning', code, path, message, ...(hint ? { hint } : {}) };
}
