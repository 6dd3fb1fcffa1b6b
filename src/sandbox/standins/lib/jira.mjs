// Stand-in for a JIRA command line client: issues get a stable, plausible key.
import { flagValues, say } from './common.mjs';

export async function jira(args) {
  if (args[0] === 'create-issue') {
    const type = flagValues(args, '--type')[0] ?? 'Task';
    const summary = flagValues(args, '--summary')[0] ?? '';
    await say([`Created issue BBWS-1042 (${type}): ${summary}`]);
    return 0;
  }
  await say(['jira (rehearsal stand-in): nothing to do']);
  return 0;
}
