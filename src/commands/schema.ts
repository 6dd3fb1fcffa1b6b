import { runbookJsonSchema } from '../core/runbook/json-schema.js';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
  return 0;
}
