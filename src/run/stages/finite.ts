/** The first tensor holding a NaN or an infinity, and how many others do; undefined if all are finite. */
export function nonFinite(tensors: ReadonlyMap<string, Float32Array>): { name: string; others: number } | undefined {
  let first: string | undefined;
  let others = 0;
  for (const [name, data] of tensors) {
    let finite = true;
    for (let i = 0; i < data.length; i++) {
      // x - x is 0 for every finite x and NaN for NaN and ±Infinity.
      if (data[i]! - data[i]! !== 0) {
        finite = false;
        break;
      }
    }
    if (finite) continue;
    if (first === undefined) first = name;
    else others++;
  }
  return first === undefined ? undefined : { name: first, others };
}
