// Types of eslint.config.js's named exports, for test/lint/boundaries.test.ts.
import type { Linter } from 'eslint';
/** folder -> folders it may not import from */
export declare const forbiddenImports: Record<string, string[]>;
/** one flat-config object per layer carrying its no-restricted-imports rule */
export declare const boundaryConfigs: Linter.Config[];
declare const config: Linter.Config[];
export default config;
