import { Command } from '@commander-js/extra-typings';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { dim, type Output } from '../output.js';
import { collect, resolveForCommand } from '../specArgs.js';

export function reportCommand(output: Output, setExit: (code: number) => void) {
  return new Command('report')
    .description("render the Markdown report from a run's artifacts, without running anything (stages that have not run are reported as such)")
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .option('--out <file>', 'write the report here instead of <outDir>/<experiment>/<report.output>; its assets folder goes beside it')
    .action(async (file, options) => {
      const resolution = await resolveForCommand(file, options, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      const { compile } = await import('../../compile/graph.js');
      const { fileContext } = await import('../../io/hash.js');
      const { openStore } = await import('../../run/store.js');
      const { renderRunReport, reportFile } = await import('../../report/report.js');
      const { acquireLock } = await import('../../run/lock.js');
      const graph = compile(spec, resolution.space, fileContext);
      const store = openStore(spec.runtime.outDir, spec.name);
      const ran = graph.stages.filter((s) => s.name !== 'report' && store.manifest(s.name, s.fingerprint) !== undefined);
      if (!ran.length) {
        const earlier = graph.stages.some((s) => store.history(s.name).length > 0);
        throw new UserError(
          earlier
            ? `nothing has run for \`${spec.name}\` with this configuration: ${shown(store.root)} holds results of earlier configurations only`
            : `nothing has run for \`${spec.name}\` yet: ${shown(store.root)} holds no stage results`,
          { hint: `\`dsl run ${file}\` runs the experiment; \`dsl plan ${file}\` shows what it would run` },
        );
      }
      const target = options.out ? resolve(options.out) : reportFile(spec);
      // The run's report and its assets are replaced in place: not while a run writes them.
      const release = acquireLock(`${store.root}.lock`, { holder: 'a `dsl run` or `dsl watch` of this experiment' });
      let written;
      try {
        const { assertOwned, recordOwned, resolveInside } = await import('../../run/ownedFiles.js');
        const { assetsDirName } = await import('../../report/write.js');
        const replaced = options.out ? [] : [resolveInside(store.root, target, 'report.output')].flatMap((f) => [f, join(dirname(f), assetsDirName(f))]);
        assertOwned(store.root, replaced, 'report.output', ['report.md', 'report-assets']);
        written = await renderRunReport({ spec, space: resolution.space, graph, store, specFile: resolution.files[0] ?? resolve(file), file: replaced[0] ?? target });
        if (replaced.length) recordOwned(store.root, replaced, replaced);
      } finally {
        release();
      }
      output.out(shown(written.file));
      output.err(dim(output, `${written.assets} charts and images in ${shown(written.assetsDir)}/; stages run: ${ran.map((s) => s.name).join(', ')}`));
      setExit(0);
    });
}

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};
