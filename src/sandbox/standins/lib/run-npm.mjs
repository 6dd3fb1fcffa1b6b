import { npm } from './npm.mjs';

process.exitCode = await npm(process.argv.slice(2));
