import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const script = readFileSync(join(repoRoot, '.ci/run'), 'utf8');

/** Runs the script's apt_mirror function with its source files under `root` instead of /etc/apt. */
function mirrorFrom(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dsl-apt-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    const fn = /^apt_mirror\(\) \{[\s\S]*?^\}/m.exec(script)![0].replaceAll('/etc/apt', `${root}/etc/apt`);
    return execFileSync('bash', ['-c', `${fn}\napt_mirror`], { encoding: 'utf8' }).trim();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('.ci/run', () => {
  it('names no package host of its own: the mirror comes from the system', () => {
    expect(script).not.toMatch(/[a-z]+:\/\/[\w.-]+/);
  });

  it('reads the mirror from deb822 sources and from one-line lists, skipping security and backports', () => {
    expect(mirrorFrom({ 'etc/apt/sources.list.d/debian.sources': 'Types: deb\nURIs: http://mirror.test/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://mirror.test/debian-security\n' })).toBe('http://mirror.test/debian');
    expect(mirrorFrom({ 'etc/apt/sources.list': '# comment\ndeb [arch=amd64] http://other.test/debian bookworm main\n' })).toBe('http://other.test/debian');
    expect(mirrorFrom({})).toBe('');
  });
});
