import type { ResolvedSpec } from '../types.js';
import { didYouMean } from '../suggest.js';
import { error, type Issue } from './issue.js';

/** Operation sets name existing operations; each operation's `then` can follow it. */
export function checkOperations(spec: ResolvedSpec): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(spec.operations);
  for (const [set, ops] of Object.entries(spec.operationSets)) {
    ops.forEach((op, i) => {
      if (!Object.hasOwn(spec.operations, op)) {
        issues.push(error('unknown-op', ['operationSets', set, i], `operation set \`${set}\` lists \`${op}\`, which is not defined under \`operations\``, didYouMean(op, names)));
      }
    });
  }
  return issues;
}
