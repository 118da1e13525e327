// The desktop's TypeScript projects, one per runtime: renderer code that
// reaches for Node or for the main process's files does not compile, while the
// same code compiles in the main process. The probes are files held in memory
// at real paths and compiled with the project's own tsconfig and file list, so
// anything in the project that brought Node's types in would show here too.
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const desktop = path.resolve(import.meta.dirname, '../desktop');

const USES_NODE = `import { readFileSync } from 'node:fs';
const fs = require('node:fs') as { existsSync(p: string): boolean };
export const home = process.env.HOME;
export const bytes = Buffer.from('x');
export const read = [readFileSync, fs];
`;

const USES_THE_PAGE = `import type { Platform } from '../../platform/common/platform.js';
export const title: string = document.title;
export const timer: ReturnType<typeof setTimeout> = setTimeout(() => undefined, 0);
export const bytes = new TextEncoder().encode('x');
export type Probe = Platform;
`;

const IMPORTS_THE_MAIN_PROCESS = `import { LocalStore } from '../../electron-main/store/local-store.js';
export const store = LocalStore;
`;

/** Compiles the project at `tsconfig` (relative to desktop/) with the probe files added; returns each probe's errors. */
function compileWithProbes(tsconfig: string, probes: Record<string, string>): Record<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(desktop, tsconfig),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`${tsconfig} could not be read.`);
  const inMemory = new Map(Object.entries(probes).map(([file, text]) => [path.join(desktop, file), text]));
  const host = ts.createCompilerHost(parsed.options);
  const readSource = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = inMemory.get(fileName);
    return text === undefined
      ? readSource(fileName, language, ...rest)
      : ts.createSourceFile(fileName, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => inMemory.has(fileName) || fileExists(fileName);
  const program = ts.createProgram({
    rootNames: [...parsed.fileNames, ...inMemory.keys()],
    options: parsed.options,
    projectReferences: parsed.projectReferences ?? [],
    host,
  });
  const errors: Record<string, string[]> = {};
  for (const [file, fileName] of Object.keys(probes).map((f) => [f, path.join(desktop, f)] as const)) {
    const source = program.getSourceFile(fileName);
    if (!source) throw new Error(`${file} is not in the program.`);
    errors[file] = ts
      .getPreEmitDiagnostics(program, source)
      .filter((d) => d.file === source)
      .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  return errors;
}

describe('the renderer project (tsconfig.renderer.json)', () => {
  let errors: Record<string, string[]>;
  beforeAll(() => {
    errors = compileWithProbes('tsconfig.renderer.json', {
      'src/renderer/session/uses-node.ts': USES_NODE,
      'src/platform/web/uses-node.ts': USES_NODE,
      'src/renderer/session/uses-the-page.ts': USES_THE_PAGE,
    });
  });

  it("has none of Node's modules or globals", () => {
    for (const file of ['src/renderer/session/uses-node.ts', 'src/platform/web/uses-node.ts']) {
      expect(errors[file]).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^TS2307: Cannot find module 'node:fs'/),
          expect.stringMatching(/^TS2591: Cannot find name 'require'/),
          expect.stringMatching(/^TS2591: Cannot find name 'process'/),
          expect.stringMatching(/^TS2591: Cannot find name 'Buffer'/),
        ]),
      );
    }
  });

  it("does not compile the main process's files into the page", () => {
    // Compiled apart: the main process's file, once pulled in, brings Node's types with it.
    const file = 'src/renderer/session/imports-the-main-process.ts';
    const errors = compileWithProbes('tsconfig.renderer.json', { [file]: IMPORTS_THE_MAIN_PROCESS });
    expect(errors[file]).toEqual([
      expect.stringMatching(
        /^TS6307: File '.*electron-main\/store\/local-store\.ts' is not listed within the file list/,
      ),
    ]);
  });

  it('has the DOM and the timers every runtime has', () => {
    expect(errors['src/renderer/session/uses-the-page.ts']).toEqual([]);
  });
});

describe('the main process project (tsconfig.node.json)', () => {
  it("has Node's modules and globals", () => {
    const errors = compileWithProbes('tsconfig.node.json', { 'src/electron-main/uses-node.ts': USES_NODE });
    expect(errors['src/electron-main/uses-node.ts']).toEqual([]);
  });
});
