import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const fixturesDir = new URL('../../fixtures/runbooks/', import.meta.url).pathname;

export interface BadFixture {
  name: string;
  file: string;
  text: string;
  line: number;
  fragment: string;
}

/** Each malformed runbook states on its first line where and what the problem is: `# expect: LINE: fragment`. */
export function badFixtures(): BadFixture[] {
  const dir = join(fixturesDir, 'bad');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      const text = readFileSync(file, 'utf8');
      const match = /^# expect: (\d+): (.+)$/m.exec(text.split('\n')[0]);
      if (!match) throw new Error(`${name} has no "# expect: LINE: fragment" header`);
      return { name, file, text, line: Number(match[1]), fragment: match[2] };
    });
}
