import { closest, distance } from 'fastest-levenshtein';

/**
 * "Did you mean …?" for a mistyped name: the closest candidate, if it is close enough to be a
 * plausible typo (edit distance at most a third of the name, at least 1), or a candidate that
 * differs only by case or separators (`conv3x3` → `conv_3x3`).
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((c) => c !== name);
  if (list.length === 0) return undefined;
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const same = list.find((c) => squash(c) === squash(name));
  if (same) return same;
  const best = closest(name, list);
  const limit = Math.max(1, Math.floor(name.length / 3));
  return distance(name, best) <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
}
