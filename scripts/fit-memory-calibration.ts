/**
 * Fits the memory estimate's factors per backend and stage to the measured iterations of
 * test/fixtures/memory/calibration.json (each group says the bench command that measured it) and
 * prints them with the worst relative error: the figures of src/nas/memoryCalibration.ts.
 * Run: npx tsx scripts/fit-memory-calibration.ts
 */
import { readFileSync } from 'node:fs';
import { fitCalibration, measuredBytes, pointGame, type MemoryPointGroup } from '../src/bench/memoryFit.js';
import { stepMemory } from '../src/nas/memory.js';

const file = new URL('../test/fixtures/memory/calibration.json', import.meta.url);
const { groups } = JSON.parse(readFileSync(file, 'utf8')) as { groups: MemoryPointGroup[] };
for (const backend of [...new Set(groups.map((g) => g.backend))]) for (const stage of ['search', 'train']) {
  const mine = groups.filter((g) => g.backend === backend && g.stage === stage);
  if (mine.length === 0) continue;
  const c = fitCalibration(mine);
  console.log(backend, stage, JSON.stringify(c));
  for (const group of mine) {
    for (const point of group.points) {
      const { nets, batch } = pointGame(group, point);
      const estimate = stepMemory(nets, batch, c).bytes - c.processBytes;
      const measured = measuredBytes(group, point);
      console.log(`  ${group.stage} ${group.spec} ${point.widths} batch ${point.batch}: measured ${(measured / 2 ** 20).toFixed(0)} MiB, estimate ${(estimate / 2 ** 20).toFixed(0)} MiB (${(((estimate - measured) / measured) * 100).toFixed(1)}%)`);
    }
  }
}
