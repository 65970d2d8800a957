import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ILoader, LoaderSource } from 'nunjucks';

/**
 * Finds templates for nunjucks: an absolute name as it is, a relative one (`partials/x.njk`)
 * next to the main template first and in the built-in templates folder second, so a custom
 * template can include the shipped partials or override them. It remembers every file it
 * served and its text, so errors can be located and watch mode knows what to watch.
 */
export class TemplateLoader implements ILoader {
  readonly served = new Map<string, string>();
  private readonly searchPaths: readonly string[];

  constructor(main: string, builtinDir: string) {
    this.searchPaths = [...new Set([dirname(main), builtinDir])];
  }

  getSource(name: string): LoaderSource {
    const candidates = isAbsolute(name) ? [name] : this.searchPaths.map((dir) => join(dir, name));
    for (const path of candidates) {
      let src: string;
      try {
        src = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      this.served.set(path, src);
      // Templates are re-read on every render: watch mode edits them between renders.
      return { src, path, noCache: true };
    }
    // nunjucks takes null as "not found here" and reports the name it could not find.
    return null as unknown as LoaderSource;
  }

  /** `{% include "./x.njk" %}` is relative to the including template. */
  resolve(from: string, to: string): string {
    return resolve(dirname(from), to);
  }

  isRelative(name: string): boolean {
    return name.startsWith('./') || name.startsWith('../');
  }
}
