import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveCell, deriveGenotype, fromReferenceAlphas, softmax } from '../../../src/nas/derive.js';
import { toReferenceMatrix } from '../../../src/nas/genotype.js';
import { experiment, fixture, resolveValid } from '../../helpers/specs.js';

const { space } = resolveValid(experiment('cifar10.yaml'));
const G = space.generator;
const D = space.discriminator;

/** Alphas for one G cell: [up0, up1, c0..c4], each op row given by its index → value. */
function gCell(choices: Record<string, Record<number, number>>): number[][] {
  const cell = G.cells[0]!;
  return cell.edges.map((edge) => edge.ops.map((_, i) => choices[edge.name]?.[i] ?? 0));
}

describe('deriveGenotype on the paper generator space', () => {
  it('matches the reference rules on 200 random architecture parameter sets', () => {
    const { cases } = JSON.parse(readFileSync(fixture('derive/reference-g.json'), 'utf8')) as {
      cases: { alphas: Record<string, number[][][]>; genotype: number[][] }[];
    };
    let repaired = 0;
    for (const c of cases) {
      const alphas = fromReferenceAlphas(G, c.alphas);
      const genotype = deriveGenotype(space, { generator: alphas });
      expect(toReferenceMatrix(G, genotype.generator!)).toEqual(c.genotype);
      const plain = deriveGenotype(space, { generator: alphas }, { repair: false });
      if (JSON.stringify(plain) !== JSON.stringify(genotype)) repaired++;
    }
    expect(repaired).toBeGreaterThan(50); // the fixture exercises the repair rules
  });

  it('takes the argmax of each edge, ties to the first op', () => {
    const g = deriveCell(G.cells[0]!, gCell({ up0: { 1: 2 }, up1: { 0: 1, 2: 1 }, c0: { 3: 1 }, c1: { 4: 1 }, c2: { 2: 5 }, c3: { 6: 1 }, c4: { 1: 1 } }));
    expect(g).toEqual({ up0: 'bilinear', up1: 'nearest', c0: 'conv_3x3', c1: 'conv_5x5', c2: 'conv_1x1', c3: 'dil_conv_5x5', c4: 'skip_connect' });
  });

  it('node2 rule: both c0 and c1 none → the one with the lower none weight gets its best other op', () => {
    const g = deriveCell(G.cells[0]!, gCell({ c0: { 0: 5, 4: 3 }, c1: { 0: 4, 2: 3.5 }, c2: { 3: 1 }, c3: { 3: 1 }, c4: { 3: 1 } }));
    expect(g.c0).toBe('none');
    expect(g.c1).toBe('conv_1x1'); // c1's none weight is lower
  });

  it('node3 rule: c2, c3 and c4 all none → revive the lowest none weight among them', () => {
    const g = deriveCell(G.cells[0]!, gCell({ c0: { 3: 1 }, c1: { 3: 1 }, c2: { 0: 6 }, c3: { 0: 6 }, c4: { 0: 5, 6: 1, 1: 1 } }));
    expect([g.c2, g.c3]).toEqual(['none', 'none']);
    expect(g.c4).toBe('skip_connect'); // c4 has the lowest none weight; ties (skip vs dil5) go to the first op
  });

  it('keeps node2 in the last cell too (it is the skip output)', () => {
    const last = G.cells[2]!;
    const alphas = last.edges.map((e) => e.ops.map((_, i) => (e.name === 'c0' || e.name === 'c1' ? (i === 0 ? 9 : 0) : i === 3 ? 1 : 0)));
    const g = deriveCell(last, alphas);
    expect([g.c0, g.c1].filter((op) => op !== 'none')).toHaveLength(1);
  });

  it('without repair, nodes may be left without inputs', () => {
    const g = deriveCell(G.cells[0]!, gCell({ c0: { 0: 5 }, c1: { 0: 5 }, c2: { 0: 5 }, c3: { 0: 5 }, c4: { 0: 5 } }), { repair: false });
    expect(Object.values(g).filter((op) => op === 'none')).toHaveLength(5);
  });
});

describe('deriveGenotype on the paper discriminator space', () => {
  const dCell = (cellIndex: number, choices: Record<string, Record<number, number>>) =>
    D.cells[cellIndex]!.edges.map((edge) => edge.ops.map((_, i) => choices[edge.name]?.[i] ?? 0));

  it('n1 needs an input: c1 and c3 both none → revive the lower none weight', () => {
    const g = deriveCell(D.cells[1]!, dCell(1, { c0: { 3: 1 }, c1: { 0: 3 }, c3: { 0: 2, 4: 1 }, c2: { 3: 1 }, c4: { 3: 1 } }));
    expect(g.c1).toBe('none');
    expect(g.c3).toBe('conv_5x5');
  });

  it('n0 must exist when c3 or c4 reads it', () => {
    const g = deriveCell(D.cells[1]!, dCell(1, { c0: { 0: 3, 2: 1 }, c1: { 3: 1 }, c2: { 3: 1 }, c3: { 3: 1 }, c4: { 0: 1 } }));
    expect(g.c0).toBe('conv_1x1');
  });

  it('n0 may drop out when nothing reads it', () => {
    const g = deriveCell(D.cells[1]!, dCell(1, { c0: { 0: 3 }, c1: { 3: 1 }, c2: { 3: 1 }, c3: { 0: 1 }, c4: { 0: 1 } }));
    expect([g.c0, g.c3, g.c4]).toEqual(['none', 'none', 'none']);
  });

  it('the stem edges of the first cell use the stem set and never drop', () => {
    const g = deriveCell(D.cells[0]!, dCell(0, { c0: { 4: 1 }, c1: {}, c2: { 2: 1 } }));
    expect([g.c0, g.c1, g.c2]).toEqual(['stem_dil_conv_5x5', 'stem_conv_1x1', 'stem_conv_5x5']);
  });

  it('maps the reference layout of D (7-wide rows, first five for the stem edges)', () => {
    const betaNormal = D.cells.map(() => Array.from({ length: 5 }, () => [0, 0, 0, 0, 0, 9, 9]));
    betaNormal[0]![0] = [0, 0, 0, 1, 0, 9, 9];
    const betaDown = D.cells.map(() => Array.from({ length: 2 }, () => [0, 1, 0, 0, 0, 0]));
    const alphas = fromReferenceAlphas(D, { alphas_normal: betaNormal, alphas_down: betaDown });
    expect(alphas[0]![0]).toEqual([0, 0, 0, 1, 0]);
    const g = deriveGenotype(space, { discriminator: alphas });
    expect(g.discriminator![0]!.c0).toBe('stem_dil_conv_3x3');
    expect(g.discriminator![1]!.c0).toBe('dil_conv_3x3');
    expect(g.discriminator![1]!.down0).toBe('max_pool');
  });

  it('rejects architecture parameters of the wrong width', () => {
    expect(() => deriveCell(G.cells[0]!, [[1, 2]])).toThrow(/expected 3 architecture weights, got 2/);
  });
});

describe('softmax', () => {
  it('is stable for large values and sums to one', () => {
    const s = softmax([1000, 1000, 999]);
    expect(s.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(s[0]).toBeCloseTo(s[1]!, 12);
  });
});
