import { terraform } from './terraform.mjs';

process.exitCode = await terraform(process.argv.slice(2));
