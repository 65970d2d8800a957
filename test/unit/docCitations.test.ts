import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * Messages and hints that send a user to the documentation must send them somewhere real:
 * a README citation names a heading README.md has, and a cited Markdown file ships with
 * the repository. Only string literals are checked for files (comments may cite design
 * notes kept elsewhere); README citations are checked in comments too.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(repoRoot, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('types.generated.ts') ? [path] : [];
  });
}

const normalise = (heading: string) => heading.replace(/[`*_]/g, '').trim().toLowerCase();

/** README.md's headings, from Markdown `#` lines outside fenced code. */
function readmeHeadings(): Set<string> {
  const headings = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(join(repoRoot, 'README.md'), 'utf8').split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const match = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (match) headings.add(normalise(match[1]!));
  }
  return headings;
}

/** Every string literal and template-literal text of a source file. */
function stringLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(repoRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The quoted phrases near each mention of the README on a line: the sections it cites. */
function readmeCitations(text: string): { mention: string; sections: string[] }[] {
  return text.split('\n').flatMap((line) => {
    if (!/README/.test(line)) return [];
    const sections = [...line.matchAll(/[“"]([^”"]{3,80})[”"]/g)].map((m) => m[1]!);
    return [{ mention: line.trim(), sections }];
  });
}

const OUTPUTS = ['report.md', 'summary.md'];

describe('documentation cited by messages', () => {
  const files = sourceFiles('src');
  const headings = readmeHeadings();

  it('finds the sources and the README headings', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(headings).toContain('diagnostics');
    expect(headings).toContain('inception features');
  });

  it('recognises a citation of a missing section', () => {
    const [citation] = readmeCitations(`hint: 'see the README section "No such section"'`);
    expect(citation!.sections).toEqual(['No such section']);
    expect(headings.has(normalise(citation!.sections[0]!))).toBe(false);
  });

  it('every README citation names a heading of README.md', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const citation of readmeCitations(readFileSync(join(repoRoot, file), 'utf8'))) {
        if (!citation.sections.length) wrong.push(`${file}: "${citation.mention}" cites the README without naming a section`);
        for (const section of citation.sections) {
          if (!headings.has(normalise(section))) wrong.push(`${file}: "${citation.mention}" cites "${section}", which is not a heading of README.md`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('messages cite only Markdown files the repository ships', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const text of stringLiterals(file)) {
        for (const match of text.matchAll(/([\w./-]+\.md)\b(?!\.)/g)) {
          const cited = match[1]!.replace(/^(\.\.?\/)+/, '');
          // Files a run or a sweep writes are outputs, not documentation.
          if (!OUTPUTS.includes(cited) && !existsSync(join(repoRoot, cited))) wrong.push(`${file}: "${text.trim()}" cites ${match[1]}, which the repository does not have`);
        }
        if (text.includes('§')) wrong.push(`${file}: "${text.trim()}" cites a numbered section of a document`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
