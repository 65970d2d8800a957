import { Command } from '@commander-js/extra-typings';
import { green, type Output } from '../output.js';
import { collect } from '../specArgs.js';

export function validateCommand(output: Output, setExit: (code: number) => void) {
  return new Command('validate')
    .description('check specs against the schema and the semantic rules; print every problem found')
    .argument('<specs...>', 'experiment spec files (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable), e.g. --set search.batch.discriminator=64', collect, [])
    .option('--json', 'print the problems as JSON')
    .action(async (specs, options) => {
      // Loaded when the command runs, so that `dsl --help` and other commands start fast.
      const { formatProblems, summarize } = await import('../../spec/format.js');
      const { hasErrors } = await import('../../spec/problems.js');
      const { resolveSweep } = await import('../../sweep/core/resolveTrials.js');
      const { nodeSpecHost } = await import('../../io/specHost.js');
      let invalid = 0;
      const report: unknown[] = [];
      for (const file of specs) {
        // A spec with a sweep section is valid when every one of its trials is.
        const resolution = resolveSweep(file, { host: nodeSpecHost, overrides: options.set, cwd: process.cwd() });
        const bad = hasErrors(resolution.problems);
        const trials = resolution.trials.length ? `, with ${resolution.trials.length} sweep trial${resolution.trials.length === 1 ? '' : 's'}` : '';
        if (bad) invalid++;
        if (options.json) {
          report.push({ file, valid: !bad, problems: resolution.problems, ...(resolution.trials.length ? { trials: resolution.trials.length } : {}) });
          continue;
        }
        if (resolution.problems.length) output.err(formatProblems(resolution.problems, resolution.sources, { color: output.color }));
        output.err(bad ? `${file}: ${summarize(resolution.problems)}` : `${green(output, '✓')} ${file} is valid${trials}${resolution.problems.length ? ` (${summarize(resolution.problems)})` : ''}`);
      }
      if (options.json) output.out(JSON.stringify(report.length === 1 ? report[0] : report, null, 2));
      setExit(invalid ? 1 : 0);
    });
}
