import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS, JournalWriter } from '../../../src/services/store/journal.js';
import { SessionStore } from '../../../src/services/store/session-store.js';
import { type FixtureOptions, fixtureEvents, RUNBOOK_YAML } from '../../core/templates/report-fixture.js';

export const FIXTURE_ID = '20251225-120000-abcd';

/** A real session folder in a fresh home: the fixture's runbook on disk and its events in a hash-chained journal. */
export function writeFixtureSession(options: FixtureOptions) {
  const home = mkdtempSync(join(tmpdir(), 'conductor-report-'));
  const runbookFile = join(home, 'shop.yaml');
  writeFileSync(runbookFile, RUNBOOK_YAML);
  const store = new SessionStore(home);
  const runbookHash = createHash('sha256').update(RUNBOOK_YAML).digest('hex');
  const writer = JournalWriter.open(store.journalFile(FIXTURE_ID), {
    events: [],
    lastHash: GENESIS,
    warnings: [],
  });
  for (const event of fixtureEvents(options)) {
    writer.append(event.type === 'session.created' ? { ...event, runbookFile, runbookHash } : event);
  }
  writer.close();
  return { home, store, id: FIXTURE_ID, runbookFile, journal: store.journalFile(FIXTURE_ID) };
}

/** Edit one event in the middle of a journal without fixing the chain, as a hand edit would. */
export function tamperWithJournal(journal: string, needle: string, replacement: string): void {
  const lines = readFileSync(journal, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} is not in the journal`);
  lines[index] = lines[index].replace(needle, replacement);
  writeFileSync(journal, lines.join('\n'));
}
