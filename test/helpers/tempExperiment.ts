import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { tempDir } from './recordedRun.js';

/** A temp copy of the shipped MNIST experiment, its bases and genotypes, with a template of its own to edit. */
export interface TempExperiment {
  readonly dir: string;
  readonly spec: string;
  readonly template: string;
  readonly runs: string;
  /** Replaces text in the spec file (a real save, as an editor would). */
  edit(from: string | RegExp, to: string): void;
  editTemplate(text: string): void;
}

export function tempExperiment(extra = ''): TempExperiment {
  const dir = tempDir('dsl-watch-');
  const experiments = join(dir, 'experiments');
  mkdirSync(experiments);
  cpSync(join(repoRoot, 'experiments/base'), join(experiments, 'base'), { recursive: true });
  cpSync(join(repoRoot, 'experiments/genotypes'), join(experiments, 'genotypes'), { recursive: true });
  const spec = join(experiments, 'mnist.yaml');
  copyFileSync(join(repoRoot, 'experiments/mnist.yaml'), spec);
  const template = join(experiments, 'my-report.md.njk');
  copyFileSync(join(repoRoot, 'templates/report.md.njk'), template);
  appendFileSync(spec, `\nreport:\n  template: ./my-report.md.njk\n${extra}`);
  return {
    dir,
    spec,
    template,
    // No package.json or .git above the copy: runs/ lands next to the spec.
    runs: join(experiments, 'runs'),
    edit(from, to) {
      const text = readFileSync(spec, 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`the spec has no ${String(from)}`);
      writeFileSync(spec, next);
    },
    editTemplate(text) {
      writeFileSync(template, text);
    },
  };
}
