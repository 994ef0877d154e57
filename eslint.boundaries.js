/**
 * Import boundaries, enforced by `npm run lint` (test/unit/lint-boundaries.test.ts proves each
 * rule fires):
 * - src/ folders form layers: a folder imports only folders listed before it in SRC_LAYERS,
 *   so no two folders import each other;
 * - a connector imports the core only through its public entry point src/connector/index.ts,
 *   and never another connector;
 * - product code (src/, connectors/) never imports tests, benchmarks, scripts or simulators;
 * - no import cycles between files of src/ and connectors/.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** Lowest layer first; a folder may import only the folders before it. */
export const SRC_LAYERS = [
  'util',
  'model',
  'format',
  'media',
  'config',
  'http',
  'connector',
  'store',
  'matrix',
  'core',
  'admin',
  'app',
  'cli',
];

const TOOLING = ['test', 'bench', 'scripts', 'simulators'];

const folders = (root, dir) =>
  readdirSync(new URL(`${dir}/`, root), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

/** Each src/ folder may not import any folder above it. */
function layerZones(srcFolders) {
  const unplaced = srcFolders.filter((name) => !SRC_LAYERS.includes(name));
  if (unplaced.length > 0) {
    throw new Error(
      `eslint.boundaries.js: src/${unplaced.join(', src/')} has no place in SRC_LAYERS; add it where it belongs in the layer order`,
    );
  }
  return SRC_LAYERS.slice(0, -1).map((layer, i) => ({
    target: `src/${layer}`,
    from: SRC_LAYERS.slice(i + 1).map((above) => `src/${above}`),
    message: `src/${layer} sits below that folder in the layer order (SRC_LAYERS in eslint.boundaries.js); move the shared code down instead of importing upwards.`,
  }));
}

/** A connector sees the core only through src/connector/index.ts, and no other connector. */
function connectorZones(connectorIds) {
  return connectorIds.flatMap((id) => [
    {
      target: `connectors/${id}`,
      from: 'src',
      except: ['./connector/index.ts'],
      message:
        'Connectors import the core only through src/connector/index.js; export what the connector needs from there.',
    },
    {
      target: `connectors/${id}`,
      from: 'connectors',
      except: [`./${id}`],
      message:
        'A connector never imports another connector; move shared code into the core toolkit (src/connector/).',
    },
  ]);
}

const productZones = [
  {
    target: ['src', 'connectors'],
    from: TOOLING,
    message: 'Product code never imports tests, benchmarks, scripts or simulators.',
  },
];

/** The boundary rules for the repository at `root` (a file URL of its folder, ending in /). */
export function boundaryConfig(root = new URL('./', import.meta.url)) {
  const basePath = fileURLToPath(root);
  return [
    {
      files: ['src/**/*.ts', 'connectors/**/*.ts'],
      plugins: { 'import-x': importX },
      settings: {
        // Without these import-x skips .ts dependencies, and no-cycle would see no edges.
        'import-x/extensions': ['.ts', '.js'],
        'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
        'import-x/resolver-next': [
          createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } }),
        ],
      },
      rules: {
        'import-x/no-cycle': ['error', { ignoreExternal: true }],
        'import-x/no-restricted-paths': [
          'error',
          {
            basePath,
            zones: [
              ...layerZones(folders(root, 'src')),
              ...connectorZones(folders(root, 'connectors')),
              ...productZones,
            ],
          },
        ],
      },
    },
  ];
}
