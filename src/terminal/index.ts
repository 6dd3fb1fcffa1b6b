export * from './alt-screen.js';
export * from './size.js';
export { TooSmall } from './TooSmall.js';
export * from './theme.js';
