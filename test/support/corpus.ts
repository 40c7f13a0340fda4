import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { ROOT } from './undercloud';

/**
 * The released tripleo-heat-templates trees the real-template tiers run on. They are test data owned by
 * the steering repository, so they are read where it keeps them (`../shared/corpus/tripleo-heat-templates`
 * beside the checkout, or THT_CORPUS) and extracted at test time, never copied into the project.
 */
export function corpusDir(): string | undefined {
  const candidates = [process.env.THT_CORPUS, path.resolve(ROOT, '../shared/corpus/tripleo-heat-templates')];
  return candidates.find((d): d is string => !!d && fs.existsSync(d) && corpusArchives(d).length > 0);
}

function corpusArchives(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tar.gz'))
    .sort();
}

/** The trees' names (`newton-eol`, `pike-eol`, `queens`...), oldest first as their archives sort. */
export function corpusTrees(): string[] {
  const dir = corpusDir();
  return dir ? corpusArchives(dir).map((f) => f.replace(/\.tar\.gz$/, '')) : [];
}

const extracted = new Map<string, string>();
let scratch: string | undefined;

/**
 * The root folder of one tree, extracted once per process into a temporary folder (removed at exit).
 * Callers that change files must copy it first (`copyCorpusTree`).
 */
export function corpusTree(name: string): string {
  const known = extracted.get(name);
  if (known) return known;
  const dir = corpusDir();
  if (!dir) throw new Error('no tripleo-heat-templates corpus: set THT_CORPUS or place ../shared beside the checkout');
  if (!scratch) {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tht-corpus-'));
    const toRemove = scratch;
    process.once('exit', () => fs.rmSync(toRemove, { recursive: true, force: true }));
  }
  const into = path.join(scratch, name);
  fs.mkdirSync(into);
  tar.x({ file: path.join(dir, `${name}.tar.gz`), cwd: into, sync: true });
  const top = fs.readdirSync(into);
  const root = top.length === 1 && fs.statSync(path.join(into, top[0])).isDirectory() ? path.join(into, top[0]) : into;
  extracted.set(name, root);
  return root;
}

/** A private, writable copy of a tree in a new temporary folder (the caller removes it). */
export function copyCorpusTree(name: string): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), `tht-${name}-`));
  fs.cpSync(corpusTree(name), to, { recursive: true, verbatimSymlinks: true });
  return to;
}

/**
 * For a mocha `describe` of a corpus tier: without a corpus the suite says so once and its tests are
 * counted as skipped (the rule), rather than passing vacuously.
 */
export function describeCorpus(title: string, body: (trees: string[]) => void): void {
  const trees = corpusTrees();
  if (trees.length === 0) {
    describe(title, () => {
      it('needs the tripleo-heat-templates corpus (THT_CORPUS or ../shared/corpus/tripleo-heat-templates)', function () {
        this.skip();
      });
    });
    return;
  }
  describe(title, () => body(trees));
}

/**
 * The YAML files of one tree read straight from its archive into memory (path inside the tree -> text),
 * those of at most `maxBytes`: for tests that only read a sample, without extracting the tree.
 */
export function corpusYamlFiles(name: string, maxBytes = 40_000): Map<string, string> {
  const dir = corpusDir();
  if (!dir) throw new Error('no tripleo-heat-templates corpus: set THT_CORPUS or place ../shared beside the checkout');
  const files = new Map<string, string>();
  tar.t({
    file: path.join(dir, `${name}.tar.gz`),
    sync: true,
    onReadEntry(entry) {
      if (entry.type !== 'File' || !/\.ya?ml$/.test(entry.path) || (entry.size ?? 0) > maxBytes) return;
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(entry.path.split('/').slice(1).join('/'), Buffer.concat(chunks).toString('utf8')));
    },
  });
  return files;
}
