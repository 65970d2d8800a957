/**
 * Just enough SVG inspection for report tests: well-formedness (every tag closed in order,
 * one <svg> root) and the marks Vega drew.
 */
export function checkWellFormed(svg: string): string[] {
  const problems: string[] = [];
  const text = svg.trim();
  if (!text.startsWith('<svg')) problems.push('does not start with <svg');
  if (!text.endsWith('</svg>')) problems.push('does not end with </svg>');
  const stack: string[] = [];
  for (const match of text.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) problems.push(`</${name}> closes the wrong element`);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

/** The `d` of every line Vega drew (one per series). */
export const linePaths = (svg: string): string[] =>
  [...svg.matchAll(/<path[^>]*aria-roledescription="line mark"[^>]*\sd="([^"]*)"/g)].map((m) => m[1]!);

/** Points on a line path: one M, then one L per further point. */
export const pointsOf = (d: string): number => (d.match(/[ML]/g) ?? []).length;

/** Rectangles of a heatmap. */
export const rectMarks = (svg: string): number => (svg.match(/aria-roledescription="rect mark"/g) ?? []).length;
