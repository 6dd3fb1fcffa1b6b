export * from './alt-screen.js';
export * from './background.js';
export * from './size.js';
export { TooSmall } from './TooSmall.js';
export * from './theme.js';
