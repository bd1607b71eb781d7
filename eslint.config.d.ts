// Types for eslint.config.js, so test/lint-boundaries.test.ts can import the boundary rules it checks.
import type { Linter } from 'eslint';

export declare const boundaries: Linter.Config[];
declare const config: Linter.Config[];
export default config;
