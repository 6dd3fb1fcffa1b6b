// Stand-in for pytest (with pytest-cov): realistic session output, a summary line, and the coverage
// reports the command line asks for, so the runbook's evidence rules read real files.
import {
  cobertura,
  coveragePct,
  coveragePyJson,
  failing,
  flagValues,
  pause,
  say,
  writeFile,
} from './common.mjs';

export async function pytest(args) {
  const paths = args.filter((arg) => !arg.startsWith('-'));
  const integration = paths.some((path) => path.includes('integration'));
  const verbose = args.includes('-v') || args.includes('--verbose');
  const fails = failing(integration ? 'pytest-integration' : 'pytest');
  const total = integration ? 64 : 847;
  const failed = fails ? 2 : 0;
  const seconds = integration ? 41.07 : 12.31;
  const modules = integration
    ? ['tests/integration/test_order_flow.py', 'tests/integration/test_storage.py']
    : ['tests/test_auth.py', 'tests/test_products.py', 'tests/test_orders.py', 'tests/test_storage.py'];

  await say([
    '============================= test session starts ==============================',
    `platform linux -- Python 3.11.7, pytest-8.3.4, pluggy-1.5.0${verbose ? ' -- /usr/bin/python3' : ''}`,
    `rootdir: ${process.cwd()}`,
    'plugins: cov-6.0.0',
    `collected ${total} items`,
    '',
  ]);
  const perModule = Math.floor(total / modules.length);
  let done = 0;
  for (const [index, module] of modules.entries()) {
    const count = index === modules.length - 1 ? total - done : perModule;
    done += count;
    const percent = String(Math.round((done / total) * 100)).padStart(3);
    const failHere = failed > 0 && index === 0 ? failed : 0;
    if (verbose) {
      for (let test = 0; test < count; test++) {
        const status = test < failHere ? 'FAILED' : 'PASSED';
        process.stdout.write(`${module}::test_case_${test + 1} ${status}\n`);
      }
      process.stdout.write(`${' '.repeat(60)}[${percent}%]\n`);
    } else {
      process.stdout.write(
        `${module} ${'F'.repeat(failHere)}${'.'.repeat(Math.min(count - failHere, 60))} [${percent}%]\n`,
      );
    }
    await pause((seconds * 1000) / modules.length);
  }

  if (failed > 0) {
    await say([
      '',
      '=================================== FAILURES ===================================',
      '_________________________________ test_case_1 __________________________________',
      '    def test_case_1():',
      '>       assert response.status_code == 200',
      'E       assert 500 == 200',
      '',
    ]);
  }

  const wantsCoverage = args.some((arg) => arg.startsWith('--cov'));
  if (wantsCoverage) {
    const pct = coveragePct();
    const statements = 2800;
    const miss = statements - Math.round((statements * pct) / 100);
    await say([
      '',
      '---------- coverage: platform linux, python 3.11.7-final-0 -----------',
      'Name                          Stmts   Miss  Cover',
      '-------------------------------------------------',
      `TOTAL                          ${statements}    ${String(miss).padStart(3)}    ${pct}%`,
    ]);
    const reports = flagValues(args, '--cov-report');
    for (const report of reports.length ? reports : ['term']) {
      const [kind, dest] = report.split(':');
      if (kind === 'json') {
        writeFile(dest || 'coverage.json', coveragePyJson(pct));
        await say([`Coverage JSON written to file ${dest || 'coverage.json'}`]);
      } else if (kind === 'xml') {
        writeFile(dest || 'coverage.xml', cobertura(pct));
        await say([`Coverage XML written to file ${dest || 'coverage.xml'}`]);
      } else if (kind === 'html') {
        writeFile(
          `${dest || 'htmlcov'}/index.html`,
          `<html><body><h1>Coverage report: ${pct}%</h1></body></html>\n`,
        );
        await say([`Coverage HTML written to dir ${dest || 'htmlcov'}`]);
      }
    }
  }

  const summary =
    failed > 0
      ? `${failed} failed, ${total - failed} passed in ${seconds}s`
      : `${total} passed in ${seconds}s`;
  const bar = '='.repeat(Math.max(2, Math.floor((78 - summary.length) / 2)));
  await say(['', `${bar} ${summary} ${bar}`]);
  return failed > 0 ? 1 : 0;
}
