export { buildReportModel, type BuildOptions } from './build.js';
export type * from './input.js';
export type * from './types.js';
