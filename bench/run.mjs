// Runs the benchmarks whose figures the README's generated table holds, and with
// --write-readme rewrites that table (between the bench:generated markers in README.md) from
// this run's figures: never edit it by hand.
//   npm run build && node bench/run.mjs [--write-readme]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPTS = ['bench/validate-cli.mjs', 'bench/metrics.mjs', 'bench/bootstrap.mjs', 'bench/slack.mjs'];
const START = '<!-- bench:generated:start (node bench/run.mjs --write-readme) -->';
const END = '<!-- bench:generated:end -->';

const dir = mkdtempSync(join(tmpdir(), 'modelgate-bench-'));
const rowsFile = join(dir, 'rows.jsonl');
try {
  for (const script of SCRIPTS) {
    console.log(`\n$ node ${script}`);
    execFileSync(process.execPath, [join(ROOT, script)], { stdio: 'inherit', env: { ...process.env, MODELGATE_BENCH_ROWS: rowsFile } });
  }
  const rows = readFileSync(rowsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const cell = (text) => text.replace(/\|/g, '\\|');
  const table = [
    `Generated on ${new Date().toISOString().slice(0, 10)} by \`node bench/run.mjs --write-readme\` (${cpus().length} cores, Node ${process.version}); each figure next to a reference measured in the same run:`,
    '',
    '| What | Result | Reference (same run) | Target |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.what)} | ${cell(r.result)} | ${cell(r.reference)} | ${cell(r.target)} |`),
  ].join('\n');
  if (process.argv.includes('--write-readme')) {
    const path = join(ROOT, 'README.md');
    const readme = readFileSync(path, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
    writeFileSync(path, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
    console.log('\nREADME.md: benchmark table rewritten');
  } else {
    console.log(`\n${table}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
