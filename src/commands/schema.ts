import { z } from 'zod';
import { runbookSchema } from '../core/runbook/schema.js';

export async function schemaCommand(): Promise<number> {
  const schema = z.toJSONSchema(runbookSchema, { io: 'input', unrepresentable: 'any' });
  process.stdout.write(`${JSON.stringify({ title: 'conductor runbook', ...schema }, null, 2)}\n`);
  return 0;
}
