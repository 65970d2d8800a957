import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitCalibration, measuredBytes, pointGame, type MemoryPointGroup } from '../../../src/bench/memoryFit.js';
import { stepMemory } from '../../../src/nas/memory.js';
import { MEMORY_CALIBRATIONS } from '../../../src/nas/memoryCalibration.js';
import { fixture } from '../../helpers/specs.js';

/**
 * The memory estimate against every measured iteration of test/fixtures/memory/calibration.json
 * (each group names the bench command that measured it): the wasm heap's high-water mark, and
 * the resident memory's growth over the started process on native TensorFlow.
 */
const { groups } = JSON.parse(readFileSync(fixture('memory/calibration.json'), 'utf8')) as { groups: MemoryPointGroup[] };
const TOLERANCE = 0.15;

describe('the memory calibration', () => {
  const backends = [...new Set(groups.map((g) => g.backend))];

  it('covers the backends the check holds to a limit, each with the search and the training', () => {
    expect(backends.sort()).toEqual(Object.keys(MEMORY_CALIBRATIONS).sort());
    for (const backend of backends) expect(new Set(groups.filter((g) => g.backend === backend).map((g) => g.stage))).toEqual(new Set(['search', 'train']));
  });

  it.each(backends)('%s: the factors in the code are the fit of the recorded points', (backend) => {
    expect(fitCalibration(groups.filter((g) => g.backend === backend))).toEqual(MEMORY_CALIBRATIONS[backend]);
  });

  const points = groups.flatMap((group) => group.points.map((point) => ({ group, point, label: `${group.backend} ${group.stage} ${group.spec} ${point.widths} batch ${point.batch}` })));
  it.each(points)(`$label: estimate within ${TOLERANCE * 100}% of the measurement`, ({ group, point }) => {
    const calibration = MEMORY_CALIBRATIONS[group.backend]!;
    const { nets, batch } = pointGame(group, point);
    const estimate = stepMemory(nets, batch, calibration).bytes - calibration.processBytes;
    const measured = measuredBytes(group, point);
    expect(Math.abs(estimate - measured) / measured).toBeLessThan(TOLERANCE);
  });
});
