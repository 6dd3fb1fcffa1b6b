import { aws } from './aws.mjs';

process.exitCode = await aws(process.argv.slice(2));
