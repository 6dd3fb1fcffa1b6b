// Stand-in for python: `python -m pytest ...` is the pytest stand-in; anything else runs the real
// interpreter found further along PATH, so the rehearsal only replaces what it rehearses.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pytest } from './pytest.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin');

function realInterpreter(name) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir || resolve(dir) === here) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export async function python(name, args) {
  if (args[0] === '-m' && args[1] === 'pytest') return pytest(args.slice(2));
  const real = realInterpreter(name);
  if (!real) {
    process.stderr.write(`${name}: not installed (rehearsal stand-in only runs "${name} -m pytest")\n`);
    return 127;
  }
  const result = spawnSync(real, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

process.exitCode = await python(basename(process.argv[1] || 'python'), process.argv.slice(2));
