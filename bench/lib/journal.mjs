// The session journal the app writes under CONDUCTOR_HOME, read as it grows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function journalEvents(home) {
  const root = join(home, 'sessions');
  if (!existsSync(root)) return [];
  const id = readdirSync(root).find((name) => existsSync(join(root, name, 'journal.jsonl')));
  if (!id) return [];
  const events = [];
  for (const line of readFileSync(join(root, id, 'journal.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line).event);
    } catch {
      // the writer may be mid-line
    }
  }
  return events;
}
