/**
 * `serverless-game-kit/hangul`: Korean choseong (initial consonant) utilities for quizzes and search.
 * Pure functions, zero runtime dependencies, browser-safe.
 */
export { CHOSEONGS } from './constants.js';
export { getChoseong } from './getChoseong.js';
export type { GetChoseongOptions } from './getChoseong.js';
export { matchesChoseong } from './matchesChoseong.js';
export { isChoseong } from './isChoseong.js';
export { ChoseongIndex } from './ChoseongIndex.js';
export type { ChoseongPatternCount, ChoseongPatternOptions } from './ChoseongIndex.js';
