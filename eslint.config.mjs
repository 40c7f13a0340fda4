// The layers of src/ call only downward (README: "Layers"); these rules make a wrong import an error.
import tseslint from 'typescript-eslint';

/** src/language may read these TripleO modules: the file formats it shares with the library. */
export const LANGUAGE_READS_FROM_TRIPLEO = ['names', 'capabilitiesMap', 'capabilities', 'heatYaml', 'templateRendering', 'jinja/*'];

const OUR_LAYERS = ['openstack', 'tripleo', 'language', 'server', 'extension', 'cli'];
/** An import (relative, any depth) of one of our layers. */
const layer = (names) => `^(\\.\\.?/)+(.*/)?(${names.join('|')})(/|$)`;
const sharedReaders = LANGUAGE_READS_FROM_TRIPLEO.map((m) => (m.endsWith('/*') ? `${m.slice(0, -2)}/` : `${m}$`)).join('|');
const noVscode = { name: 'vscode', message: 'only src/extension imports vscode' };

const restrict = (files, patterns, paths = [noVscode]) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-results/', 'samples/', 'test/lint-fixtures/'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  restrict(['src/openstack/**/*.ts'], [{ regex: layer(OUR_LAYERS.filter((l) => l !== 'openstack')), message: 'src/openstack imports nothing of ours: it is the bottom layer' }]),
  restrict(['src/tripleo/**/*.ts'], [{ regex: layer(['language', 'server', 'extension', 'cli']), message: 'src/tripleo imports only src/openstack' }]),
  restrict(
    ['src/language/**/*.ts'],
    [
      { regex: layer(['server', 'extension', 'cli']), message: 'src/language is below the server, the extension and the CLI' },
      { regex: `^(\\.\\./)+tripleo/(?!(${sharedReaders}))`, message: `src/language reads only the shared readers of src/tripleo: ${LANGUAGE_READS_FROM_TRIPLEO.join(', ')}` },
    ],
  ),
  restrict(['src/server/**/*.ts'], [{ regex: layer(['extension', 'cli']), message: 'the language server does not import the extension or the CLI' }]),
  restrict(['src/cli/**/*.ts'], [{ regex: layer(['extension', 'server']), message: 'the CLI does not import the extension or the language server' }]),
  // every other file may import vscode; only the layer rules above restrict it
);
