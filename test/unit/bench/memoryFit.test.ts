import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitCalibration, LARGE_BYTES, measuredBytes, pointGame, searchCaseUnfit, type MemoryPointGroup } from '../../../src/bench/memoryFit.js';
import { stepMemory } from '../../../src/nas/memory.js';
import { MEMORY_CALIBRATIONS } from '../../../src/nas/memoryCalibration.js';
import { memoryVerdict } from '../../../src/nas/stageMemory.js';
import { MEMORY_MARGIN, memoryLimit } from '../../../src/run/memoryGuard.js';
import { fixture } from '../../helpers/specs.js';

/**
 * The memory estimate against every measured iteration of test/fixtures/memory/calibration.json
 * (each group names the bench command that measured it): the top of the wasm heap's
 * allocations, and the resident memory's growth over the started process on native TensorFlow.
 */
const { groups } = JSON.parse(readFileSync(fixture('memory/calibration.json'), 'utf8')) as { groups: MemoryPointGroup[] };
const TOLERANCE = 0.04;
const GIB = LARGE_BYTES;
/** Below 1 GiB, far from any limit, an absolute bound: the allocators' slack dominates there. */
const SMALL_TOLERANCE_BYTES = 256 * 2 ** 20;
/** Where a check's answer can be close: half a wasm heap and more. */
const NEAR_LIMIT_BYTES = 2 * GIB;

const estimateOf = (group: MemoryPointGroup, point: { widths: string; batch: string }) => {
  const calibration = MEMORY_CALIBRATIONS[group.backend]![group.stage];
  const { nets, batch } = pointGame(group, point);
  return { nets, batch, calibration, bytes: stepMemory(nets, batch, calibration).bytes - calibration.processBytes };
};

describe('the memory calibration', () => {
  const backends = [...new Set(groups.map((g) => g.backend))];
  const points = groups.flatMap((group) => group.points.map((point) => ({ group, point, label: `${group.backend} ${group.stage} ${group.spec} ${point.widths} batch ${point.batch}` })));

  it('covers the backends the check holds to a limit, each with the search and the training', () => {
    expect(backends.sort()).toEqual(Object.keys(MEMORY_CALIBRATIONS).sort());
    for (const backend of backends) expect(new Set(groups.filter((g) => g.backend === backend).map((g) => g.stage))).toEqual(new Set(['search', 'train']));
  });

  const fits = backends.flatMap((backend) => (['search', 'train'] as const).map((stage) => ({ backend, stage })));
  it.each(fits)('$backend $stage: the factors in the code are the fit of the recorded points', ({ backend, stage }) => {
    expect(fitCalibration(groups.filter((g) => g.backend === backend && g.stage === stage))).toEqual(MEMORY_CALIBRATIONS[backend]![stage]);
  });

  it.each(points)(`$label: estimate within ${TOLERANCE * 100}% of the measurement (256 MiB below 1 GiB)`, ({ group, point }) => {
    const estimate = estimateOf(group, point).bytes;
    const measured = measuredBytes(group, point);
    if (measured >= GIB) expect(Math.abs(estimate - measured) / measured).toBeLessThan(TOLERANCE);
    else expect(Math.abs(estimate - measured)).toBeLessThan(SMALL_TOLERANCE_BYTES);
  });

  it('falls short of no measurement of 2 GiB and more by the margin the check keeps', () => {
    const shortfalls = points.filter(({ group, point }) => measuredBytes(group, point) >= NEAR_LIMIT_BYTES).map(({ group, point }) => 1 - estimateOf(group, point).bytes / measuredBytes(group, point));
    expect(shortfalls.length).toBeGreaterThan(10);
    expect(Math.max(...shortfalls)).toBeLessThan(MEMORY_MARGIN);
  });

  it('wasm: the check passes every iteration that ran and refuses every one that ran out of the heap', () => {
    const wasm = groups.filter((g) => g.backend === 'wasm');
    const failed = wasm.flatMap((group) => (group.failed ?? []).map((point) => ({ group, point })));
    expect(failed.length).toBeGreaterThan(0);
    const limit = memoryLimit('wasm', 64 * GIB)!.bytes;
    const fits = (group: MemoryPointGroup, point: { widths: string; batch: string }) => {
      const { nets, batch, calibration } = estimateOf(group, point);
      return memoryVerdict(nets, group.stage, batch, calibration, limit).fits;
    };
    for (const { group, point } of failed) {
      expect(point.error).toMatch(/memory is full/);
      expect(fits(group, point), `${group.stage} ${point.widths} batch ${point.batch}`).toBe(false);
    }
    for (const group of wasm) for (const point of group.points) expect(fits(group, point), `${group.stage} ${point.widths} batch ${point.batch}`).toBe(true);
  });
});

describe('the paper-size bench cases', () => {
  it('skip a backend that cannot hold the iteration, saying what would fit, and run the rest', () => {
    expect(searchCaseUnfit('wasm', '160/80', 120)).toMatch(/^one iteration needs about 14\.\d GB on wasm, which holds 4 GiB \(the largest batch that fits is 26\)$/);
    expect(searchCaseUnfit('wasm', '160/80', 16)).toBeUndefined();
    expect(searchCaseUnfit('webgpu', '160/80', 120)).toBeUndefined();
  });
});
