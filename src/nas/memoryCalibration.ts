import type { MemoryCalibration } from './memory.js';

export const MEMORY_CALIBRATIONS: Readonly<Record<string, MemoryCalibration>> = {};
