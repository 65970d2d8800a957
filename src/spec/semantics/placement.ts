import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { BUILTIN_PREFIX, builtinTemplatesDir, templateFile } from '../assets.js';
import type { SpecHost } from '../host.js';
import type { ResolvedSpec } from '../types.js';
import { error, type Issue } from './issue.js';

/** Whether `path` is `root` or lies under it (both absolute; no symlinks resolved here). */
export const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The folders a report template may come from, each resolved through symlinks. */
export interface TemplateRoots {
  /** The project's `templates/` folder (beside its package.json). */
  readonly project: string;
  /** The folders of the spec files (the root spec, and the file that set `report.template`). */
  readonly specDirs: readonly string[];
}

const TEMPLATE_EXTENSIONS = ['.njk', '.md'];

/**
 * Where dsl writes and what it reads as a template, checked before anything runs: the report
 * goes inside the run directory (a `..` in `report.output` would write, and its clean-up
 * delete, files elsewhere), and a template is a `.njk`/`.md` file from the shipped templates,
 * the project's `templates/` or beside the spec (a template is rendered into the report, so
 * `/etc/passwd` would be published). Symlinks are followed through the host.
 */
export function checkPlacement(spec: ResolvedSpec, host: SpecHost, roots: TemplateRoots): Issue[] {
  const issues: Issue[] = [];
  const output = spec.report.output;
  const runDir = join(spec.runtime.outDir, spec.name);
  const target = join(runDir, output);
  if (isAbsolute(output) || !isInside(runDir, target) || normalize(target) === normalize(runDir)) {
    issues.push(error('output-outside-run', ['report', 'output'], `report.output \`${output}\` is outside the run directory ${runDir}`, 'give a file name (or a path below the run directory) such as report.md'));
  } else if (extname(output) !== '.md') {
    issues.push(error('output-extension', ['report', 'output'], `report.output \`${output}\` is not a Markdown file`, 'name it with .md, e.g. report.md'));
  }

  const template = spec.report.template;
  if (template.startsWith(BUILTIN_PREFIX) || !host.exists(template)) return issues;
  const realpath = (path: string) => host.realpath?.(path) ?? path;
  const real = realpath(templateFile(template));
  const allowed = [builtinTemplatesDir, roots.project, ...roots.specDirs].map(realpath);
  if (!TEMPLATE_EXTENSIONS.includes(extname(real))) {
    issues.push(error('template-not-allowed', ['report', 'template'], `report template ${template} is not a .njk or .md file`, 'a template is a Nunjucks file (.njk or .md)'));
  } else if (!allowed.some((root) => isInside(root, real))) {
    issues.push(error('template-not-allowed', ['report', 'template'], `report template ${template} is outside the project's templates/ folder and the spec's folder`, `put the template in ${roots.project} or beside the spec, or use builtin:report.md.njk`));
  }
  return issues;
}
