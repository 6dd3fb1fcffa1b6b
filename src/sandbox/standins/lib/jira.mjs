// Stand-in for a JIRA command line client: issues get a stable, plausible key in the runbook's project.
import { flagValues, identifier, names, say } from './common.mjs';

const PROJECT_KEY = identifier(names.project).replace(/_/g, '').toUpperCase() || 'OPS';

export async function jira(args) {
  if (args[0] === 'create-issue') {
    const type = flagValues(args, '--type')[0] ?? 'Task';
    const summary = flagValues(args, '--summary')[0] ?? '';
    await say([`Created issue ${PROJECT_KEY}-1042 (${type}): ${summary}`]);
    return 0;
  }
  await say(['jira (rehearsal stand-in): nothing to do']);
  return 0;
}
