import { resolve } from 'node:path';
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
    expect(() => parse('--only', 'train', '--pytorch')).toThrow('--pytorch times the search sizes: add search or paper to --only');
  });

  it('is documented, with how to point it at a python with torch', () => {
    expect(USAGE).toContain('--pytorch');
    expect(USAGE).toContain('DSL_BENCH_PYTHON');
    expect(USAGE).toContain('apt install python3-torch');
  });
});

describe("bench options: --pytorch-authors (the authors' code)", () => {
  it('is off by default', () => {
    expect(parse()).not.toHaveProperty('pytorchAuthors');
  });

  it('takes the directory of the clone, made absolute (the script runs from wherever)', () => {
    expect(parse('--only', 'search', '--pytorch-authors', '/src/AdversarialNAS').pytorchAuthors).toBe('/src/AdversarialNAS');
    expect(parse('--only', 'search', '--pytorch-authors', 'clones/AdversarialNAS').pytorchAuthors).toBe(resolve('clones/AdversarialNAS'));
  });

  it('combines with --pytorch, or goes alone', () => {
    expect(parse('--only', 'search', '--pytorch', '--pytorch-authors', '/ref')).toMatchObject({ pytorch: true, pytorchAuthors: '/ref' });
    expect(parse('--only', 'search', '--pytorch-authors', '/ref')).toMatchObject({ pytorch: false, pytorchAuthors: '/ref' });
  });

  it('needs a directory and the search section', () => {
    expect(() => parse('--only', 'search', '--pytorch-authors')).toThrow(/pytorch-authors/);
    expect(() => parse('--only', 'search', '--pytorch-authors', ' ')).toThrow('--pytorch-authors needs the directory of a clone of https://github.com/chengaopro/AdversarialNAS');
    expect(() => parse('--only', 'train', '--pytorch-authors', '/ref')).toThrow('--pytorch-authors times the search sizes: add search or paper to --only');
  });

  it('is documented in one line', () => {
    const lines = USAGE.split('\n').filter((l) => l.includes('--pytorch-authors'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the authors' code as written, from DIR (a clone of chengaopro/AdversarialNAS)");
  });
});

describe('bench options: --compare-conv (wasm against oneDNN convolutions)', () => {
  it('adds the wasm-conv variant before the fast one, and after the straight one with --compare', () => {
    expect(parse().variants).toEqual(['fast']);
    expect(parse('--compare-conv').variants).toEqual(['wasm-conv', 'fast']);
    expect(parse('--compare', '--compare-conv').variants).toEqual(['straight', 'wasm-conv', 'fast']);
    expect(USAGE).toContain('--compare-conv');
  });
});
