import { relative } from 'node:path';
import type { Resolution } from '../../spec/resolve.js';
import { locateIn } from '../../spec/load.js';

/** `file:line:col: train.from` for messages about the weights file, or '' when the spec has no train.from. */
export function trainFromLocation(resolution: Resolution): string {
  if (resolution.spec?.train.from === undefined) return '';
  const at = locateIn(resolution.sources, ['train', 'from']);
  if (!at) return 'train.from';
  const file = relative(process.cwd(), at.file) || at.file;
  return `${file}:${at.start.line}:${at.start.column}: train.from`;
}
