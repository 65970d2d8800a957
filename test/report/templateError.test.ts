import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/report/errors.js';
import { renderTemplate } from '../../src/report/render.js';
import { tempDir } from '../helpers/recordedRun.js';

const dir = tempDir('dsl-template-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function template(text: string, partial?: string): string {
  const folder = join(dir, `t${n++}`);
  mkdirSync(join(folder, 'partials'), { recursive: true });
  if (partial !== undefined) writeFileSync(join(folder, 'partials', 'broken.njk'), partial);
  const file = join(folder, 'report.md.njk');
  writeFileSync(file, text);
  return file;
}

async function failure(file: string, context: object = {}): Promise<TemplateError> {
  try {
    await renderTemplate(file, context);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('the template rendered');
}

describe('template errors', () => {
  it('locate a syntax error in the template', async () => {
    const file = template('# {{ title }}\n\nline 3\n{% if %}\n');
    const error = await failure(file, { title: 'x' });
    expect(error.file).toContain('report.md.njk');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/report\.md\.njk:4:\d+: template error: unexpected token: %\}/);
    // a message for people: no nunjucks internals
    expect(error.message).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('name the partial an error is in, not the template that includes it', async () => {
    const file = template('# x\n{% include "partials/broken.njk" %}\n', 'ok\n\n{% for x in %}\n');
    const error = await failure(file);
    expect(error.file).toMatch(/partials\/broken\.njk$/);
    expect(error.line).toBe(3);
  });

  it('locate an undefined value on its line', async () => {
    const file = template('# {{ title }}\n\n{{ experimnet.name }}\n');
    const error = await failure(file, { title: 'x', experiment: { name: 'y' } });
    expect(error.line).toBe(3);
    expect(error.detail).toContain('undefined');
  });

  it('locate a call of something undefined', async () => {
    const file = template('a\nb\n{{ nothing() }}\n');
    const error = await failure(file);
    expect(error.line).toBe(3);
    expect(error.detail).toContain('Unable to call `nothing`');
  });

  it('locate an unknown filter', async () => {
    const file = template('a\n\n{{ 3 | nofilter }}\n');
    const error = await failure(file);
    expect(error.detail).toBe('filter not found: nofilter');
    expect(error.line).toBe(3);
  });

  it('locate an include of a missing partial', async () => {
    const file = template('a\n{% include "partials/missing.njk" %}\n');
    const error = await failure(file);
    expect(error.detail).toBe('template not found: partials/missing.njk');
    expect(error.line).toBe(2);
  });

  it('render the shipped filters', async () => {
    const file = template('{{ 29265443 | thousands }} {{ 12149000000 | si }} {{ 187 | duration }} {{ 8.7412 | fixed }} {{ 8.74 | spread(0.09) }} {{ "a|b" | cell }}');
    expect((await renderTemplate(file, {})).text).toBe('29,265,443 12.15 G 3m07s 8.74 8.74 ± 0.09 a\\|b');
  });
});
