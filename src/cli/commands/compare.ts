import { Command } from '@commander-js/extra-typings';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Results } from '../../sweep/results.js';
import { duration, fixed, si } from '../../util/format.js';
import { UserError } from '../errors.js';
import { bold, dim, table, type Output } from '../output.js';
import { collect } from '../specArgs.js';
import { resolveSweepForCommand } from '../sweepSpec.js';

/** One side of a comparison: a resolved spec and what the store holds for it. */
interface Side {
  readonly name: string;
  readonly spec: unknown;
  readonly results?: Results;
  readonly status?: string;
}

export function compareCommand(output: Output, setExit: (code: number) => void) {
  return new Command('compare')
    .description('compare two experiments (spec files or sweep trial folders): their resolved specs, metrics and costs side by side')
    .argument('<a>', 'a spec file, or a trial folder (runs/<experiment>/trials/<id>)')
    .argument('<b>', 'a spec file, or a trial folder')
    .option('--set <key=value>', 'override a value of both specs (repeatable)', collect, [])
    .option('--json', 'print the differences and results as JSON')
    .action(async (a, b, options) => {
      const { diffSpecs } = await import('../../sweep/core/diff.js');
      const left = await side(a, options.set, output);
      const right = await side(b, options.set, output);
      // Where the runs land and who the report is for are not part of the experiment.
      const differences = diffSpecs(left.spec, right.spec, (path) => path === 'report.output' || path.startsWith('sweep.'));
      if (options.json) {
        output.out(JSON.stringify({ a: { name: left.name, status: left.status, results: left.results }, b: { name: right.name, status: right.status, results: right.results }, differences }, null, 2));
        return setExit(0);
      }
      output.out(`${bold(output, 'A')} ${left.name}${left.status ? dim(output, ` (${left.status})`) : ''}`);
      output.out(`${bold(output, 'B')} ${right.name}${right.status ? dim(output, ` (${right.status})`) : ''}`);
      output.out('');
      if (!differences.length) output.out('the resolved specs are the same');
      else {
        output.out(`${differences.length} difference${differences.length === 1 ? '' : 's'} in the resolved specs:`);
        for (const d of differences) {
          if (d.kind === 'changed') output.out(`  ${d.path}: ${show(d.a)} → ${show(d.b)}`);
          else if (d.kind === 'only-a') output.out(`  ${d.path}: ${show(d.a)} → (not set)`);
          else output.out(`  ${d.path}: (not set) → ${show(d.b)}`);
        }
      }
      output.out('');
      const row = (label: string, f: (r: Results) => string) => [label, left.results ? f(left.results) : '–', right.results ? f(right.results) : '–'];
      output.out(
        table(
          [
            row('IS', (r) => fixed(r.metrics.is, 2)),
            row('FID', (r) => fixed(r.metrics.fid, 2)),
            row('KID', (r) => fixed(r.metrics.kid, 3)),
            row('parameters of G', (r) => (r.generator ? si(r.generator.parameters) : '–')),
            row('MACs of G', (r) => (r.generator ? si(r.generator.macs) : '–')),
            row('compute', (r) => duration(r.computeSeconds)),
          ],
          ['', 'A', 'B'],
        ),
      );
      setExit(0);
    });
}

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

async function side(target: string, set: readonly string[], output: Output): Promise<Side> {
  const name = relative(process.cwd(), target) || target;
  if (existsSync(target) && statSync(target).isDirectory()) {
    const { readTrialRecord, TRIAL_SPEC_FILE } = await import('../../sweep/trialRecord.js');
    const record = readTrialRecord(target);
    const specFile = join(target, TRIAL_SPEC_FILE);
    if (!record || !existsSync(specFile)) throw new UserError(`${name} is not a trial folder (it has no trial.json and spec.json)`, { hint: 'give a spec file, or a folder under runs/<experiment>/trials/ written by `dsl sweep`' });
    const results: Results | undefined = record.status === 'complete' ? { metrics: record.metrics ?? {}, ...(record.generator ? { generator: record.generator } : {}), computeSeconds: record.computeSeconds ?? 0, complete: [] } : undefined;
    return { name: `${name} (trial ${record.number}: ${record.label})`, spec: JSON.parse(readFileSync(specFile, 'utf8')) as unknown, status: record.status, ...(results ? { results } : {}) };
  }
  const sweep = await resolveSweepForCommand(target, { set }, output);
  const { spec, space } = sweep.base;
  if (!spec || !space) throw new UserError(`${name} is not a valid spec (see above)`);
  const { compile } = await import('../../compile/graph.js');
  const { fileContext } = await import('../../io/hash.js');
  const { openStore } = await import('../../run/store.js');
  const { storedResults } = await import('../../sweep/results.js');
  const results = storedResults(spec, space, compile(spec, space, fileContext), openStore(spec.runtime.outDir, spec.name));
  const status = results.complete.includes('evaluate') ? 'evaluated' : results.complete.length ? `ran ${results.complete.join(', ')}` : 'not run';
  return { name, spec, status, ...(results.complete.length ? { results } : {}) };
}
