import { pytest } from './pytest.mjs';

process.exitCode = await pytest(process.argv.slice(2));
