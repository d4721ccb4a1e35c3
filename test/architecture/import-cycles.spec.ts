import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The code keeps its shape: no import cycle between files of src/, and none between its folders (each top-level
 * folder of src/ is one node; ocpi/ counts each of its sub-folders — wire, client, server, adapter, versions, one per
 * version — as its own node, since they are layers). Type-only imports count too: they are design dependencies.
 */
const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to files of src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter((i) => i.fileName.startsWith('.'))
    .map((i) => resolve(dirname(file), i.fileName))
    .flatMap((base) => [`${base}.ts`, join(base, 'index.ts')].filter((candidate) => existsSync(candidate)).slice(0, 1))
    .filter((target) => target.startsWith(SRC));
}

function folderOf(file: string): string {
  const parts = relative(SRC, dirname(file)).split('/');
  return parts.slice(0, parts[0] === 'ocpi' ? 2 : 1).join('/') || '(root)';
}

/** Strongly connected components with more than one node (Tarjan): each one is a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = sourceFiles(SRC);
const fileGraph = new Map(files.map((f) => [relative(SRC, f), new Set(importsOf(f).map((t) => relative(SRC, t)))]));
const folderGraph = new Map<string, Set<string>>();
for (const f of files) {
  const from = folderOf(f);
  if (!folderGraph.has(from)) folderGraph.set(from, new Set());
  for (const target of importsOf(f)) if (folderOf(target) !== from) folderGraph.get(from)!.add(folderOf(target));
}

describe('the import graph of src/', () => {
  it('reads the files it checks (a graph of nothing would pass)', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(fileGraph.get('intake/intake.service.ts')).toContain('intake/intake-modules.ts');
    expect(folderGraph.get('ocpi/server')).toContain('intake');
  });

  it('has no cycle between files', () => {
    expect(cycles(fileGraph)).toEqual([]);
  });

  it('has no cycle between folders (ocpi/ by layer)', () => {
    expect(cycles(folderGraph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
