import { describe, expect, it } from 'vitest';
import { parseOptions, USAGE, type BenchOptions } from '../../../src/bench/options.js';

const parse = (...argv: string[]) => parseOptions(argv) as BenchOptions;

describe('bench options: --pytorch', () => {
  it('is off by default', () => {
    expect(parse().pytorch).toBe(false);
  });

  it('turns the PyTorch reference on, with the sizes, iterations and threads of the tfjs cases', () => {
    const o = parse('--only', 'search', '--sizes', '16/16', '--iterations', '3', '--warmup', '1', '--threads', '2', '--pytorch');
    expect(o).toMatchObject({ pytorch: true, sections: ['search'], sizes: [{ generator: 16, discriminator: 16 }], iterations: 3, warmup: 1, threads: 2 });
  });

  it('is refused without the search section, which it belongs to', () => {
    expect(() => parse('--only', 'train', '--pytorch')).toThrow('--pytorch times the search sizes: add search to --only');
  });

  it('is documented, with how to point it at a python with torch', () => {
    expect(USAGE).toContain('--pytorch');
    expect(USAGE).toContain('DSL_BENCH_PYTHON');
    expect(USAGE).toContain('apt install python3-torch');
  });
});
