// Stand-in for npm: `npm test` runs a jest-shaped suite and, with --coverage, writes
// coverage/coverage-summary.json; install and build succeed with npm's usual lines.
import { coveragePct, failing, istanbulSummary, names, pause, say, shout, writeFile } from './common.mjs';

/** The package being built: the runbook's project, as npm prints it before running a script. */
const PACKAGE = `${names.project}@1.0.0`;

async function test(args) {
  const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
  const fails = failing('npm-test');
  const total = 312;
  const failed = fails ? 1 : 0;
  await say(['', `> ${PACKAGE} test`, `> jest${extra.length ? ` ${extra.join(' ')}` : ''}`, '']);
  const suites = [
    'src/api/orders.test.ts',
    'src/api/products.test.ts',
    'src/auth/login.test.tsx',
    'src/cart/cart.test.tsx',
  ];
  for (const [index, suite] of suites.entries()) {
    await say(
      [`${failed && index === 1 ? 'FAIL' : 'PASS'} ${suite} (${(1.2 + index * 0.4).toFixed(1)} s)`],
      2500,
    );
  }
  if (failed) {
    await say(['', '  ● products › lists products', '', '    expect(received).toHaveLength(expected)', '']);
  }
  if (extra.includes('--coverage')) {
    const pct = coveragePct();
    await say([
      '-------------------|---------|----------|---------|---------|',
      'File               | % Stmts | % Branch | % Funcs | % Lines |',
      '-------------------|---------|----------|---------|---------|',
      `All files          |   ${pct}   |   ${pct}   |   ${pct}   |   ${pct}   |`,
      '-------------------|---------|----------|---------|---------|',
    ]);
    writeFile('coverage/coverage-summary.json', istanbulSummary(pct));
  }
  await say([
    `Test Suites: ${failed ? '1 failed, 3 passed' : '4 passed'}, 4 total`,
    `Tests:       ${failed ? `${failed} failed, ${total - failed} passed` : `${total} passed`}, ${total} total`,
    'Snapshots:   0 total',
    'Time:        10.214 s',
    'Ran all test suites.',
  ]);
  if (failed) shout(['npm error Lifecycle script `test` failed with error:', 'npm error code 1']);
  return failed ? 1 : 0;
}

export async function npm(args) {
  const [command = '', ...rest] = args;
  if (command === '--version' || command === '-v') return say(['10.9.2']).then(() => 0);
  if (command === 'test' || command === 't') return test(rest);
  if (command === 'run' && rest[0] === 'test') return test(rest.slice(1));
  if (['ci', 'install', 'i'].includes(command)) {
    await pause(8000);
    await say(['', 'added 1342 packages, and audited 1343 packages in 21s', '', 'found 0 vulnerabilities']);
    return 0;
  }
  if (command === 'run') {
    await say(['', `> ${PACKAGE} ${rest[0] ?? ''}`, '']);
    await pause(5000);
    await say(['done']);
    return failing(`npm-${rest[0]}`) ? 1 : 0;
  }
  shout([`npm error Unknown command: "${command}"`]);
  return 1;
}
