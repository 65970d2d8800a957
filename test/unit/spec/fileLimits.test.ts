import { describe, expect, it } from 'vitest';
import { memoryHost, type SpecHost } from '../../../src/spec/host.js';
import { MAX_SPEC_FILE_BYTES } from '../../../src/spec/read.js';
import { resolveSpec } from '../../../src/spec/resolve.js';
import { fixture, overlayHost } from '../../helpers/specs.js';

/** Many small keys: the shape of spec that ran the YAML parser out of memory at 53 MB. */
const manyKeys = (bytes: number) => {
  const line = 'key_000000: 1\n';
  return Array.from({ length: Math.ceil(bytes / line.length) }, (_, i) => `key_${String(i).padStart(6, '0')}: 1\n`).join('');
};

const minimal = fixture('specs/good/minimal.yaml');
const errorsOf = (host: SpecHost, file: string) => resolveSpec(file, { host }).problems.filter((p) => p.severity === 'error');

describe('files too large to be a spec', () => {
  const big = manyKeys(MAX_SPEC_FILE_BYTES + 1024);

  it('refuses an oversized spec file before parsing it, at the file itself', () => {
    const started = performance.now();
    const [problem, ...rest] = errorsOf(memoryHost({ '/x/big.yaml': big }), '/x/big.yaml');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'file-too-large', location: { file: '/x/big.yaml', start: { line: 1, column: 1 } } });
    expect(problem!.message).toContain('spec file /x/big.yaml is 4.0 MiB; spec files over 4.0 MiB are refused unread');
    expect(performance.now() - started).toBeLessThan(1000); // parsing it would take several seconds
  });

  it('refuses it also from a host that cannot stat files (checked after reading)', () => {
    const plain = memoryHost({ '/x/big.yaml': big });
    const host: SpecHost = { readFile: plain.readFile, readBytes: plain.readBytes, exists: plain.exists };
    expect(errorsOf(host, '/x/big.yaml').map((p) => p.code)).toEqual(['file-too-large']);
  });

  it('reports an oversized base at the `extends` line that names it', () => {
    const host = memoryHost({ '/x/spec.yaml': 'name: a\nextends: ./big.yaml\n', '/x/big.yaml': big });
    const [problem] = errorsOf(host, '/x/spec.yaml');
    expect(problem).toMatchObject({ code: 'file-too-large', location: { file: '/x/spec.yaml', start: { line: 2, column: 10 } } });
  });

  it('reports an oversized genotype at `derive.from`', () => {
    const host = overlayHost({ '/virtual/g.yaml': `extends: ${minimal}\nderive:\n  from: ./huge.yaml\n`, '/virtual/huge.yaml': big });
    const [problem] = errorsOf(host, '/virtual/g.yaml');
    expect(problem).toMatchObject({ code: 'file-too-large', location: { file: '/virtual/g.yaml', start: { line: 3, column: 9 } } });
    expect(problem!.message).toContain('genotype file /virtual/huge.yaml is 4.0 MiB');
  });

  it('accepts a spec just under the limit', () => {
    const text = `name: ok\n${'#'.repeat(MAX_SPEC_FILE_BYTES - 100)}\n`;
    expect(errorsOf(memoryHost({ '/x/ok.yaml': text }), '/x/ok.yaml').map((p) => p.code)).not.toContain('file-too-large');
  });
});

describe('paths that name a directory', () => {
  it('reports `extends:` naming a directory at that line', () => {
    const host = memoryHost({ '/x/spec.yaml': 'name: a\nextends: ./base\n', '/x/base/a.yaml': 'data: {}\n' });
    const [problem, ...rest] = errorsOf(host, '/x/spec.yaml');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'not-a-file', message: '/x/base is a directory, not a spec file', location: { file: '/x/spec.yaml', start: { line: 2, column: 10 } } });
  });

  it('reports `derive.from` naming a directory at that line', () => {
    const host = overlayHost({ '/virtual/d.yaml': `extends: ${minimal}\nderive: { from: ./genotypes }\n`, '/virtual/genotypes/a.yaml': 'generator: []\n' });
    const [problem] = errorsOf(host, '/virtual/d.yaml');
    expect(problem).toMatchObject({ code: 'not-a-file', location: { file: '/virtual/d.yaml', start: { line: 2, column: 17 } } });
  });
});
