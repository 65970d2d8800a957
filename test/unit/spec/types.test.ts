import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

describe('spec types', () => {
  it('src/spec/types.generated.ts is what the schema generates (run `npm run gen:types` after editing the schema)', async () => {
    const { generate, outFile } = (await import(`${repoRoot}scripts/generate-types.mjs`)) as { generate: () => Promise<string>; outFile: string };
    expect(readFileSync(outFile, 'utf8')).toBe(await generate());
  }, 30_000);
});
