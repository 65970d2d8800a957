import { fileURLToPath } from 'node:url';

/**
 * Folders shipped with the package. The relative paths are the same from src/spec (tests)
 * and dist/spec (the built package).
 */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const builtinTemplatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

export const BUILTIN_PREFIX = 'builtin:';

/** Absolute path of a report template setting (`builtin:<name>` or an absolute path). */
export const templateFile = (template: string): string =>
  template.startsWith(BUILTIN_PREFIX) ? `${builtinTemplatesDir}${template.slice(BUILTIN_PREFIX.length)}` : template;
