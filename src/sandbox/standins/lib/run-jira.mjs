import { jira } from './jira.mjs';

process.exitCode = await jira(process.argv.slice(2));
