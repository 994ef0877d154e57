// Types for eslint.boundaries.js, which ESLint loads as plain JavaScript; the lint tests import it.
import type { Linter } from 'eslint';

export declare const SRC_LAYERS: readonly string[];
export declare function boundaryConfig(root?: URL): Linter.Config[];
