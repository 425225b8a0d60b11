// `npm run fuzz -- --seed N --cases 100000`: a long fuzz run; prints the counts, and each failure
// with the file its bytes were written to. Exit code 1 when a case failed.
import { join } from 'node:path';
import { runFuzz } from './runFuzz';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

async function main(): Promise<number> {
  const seed = option('seed', Date.now() % 1_000_000);
  const cases = option('cases', 100_000);
  const root = join(__dirname, '..', '..', '..');
  const started = Date.now();
  const r = await runFuzz({ seed, cases, fixtures: join(root, 'test', 'fixtures'), crashDir: join(root, '.fuzz-crashes') });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`fuzz: seed ${seed}, ${r.cases} cases over ${r.files} fixtures in ${seconds} s, ${r.failures.length} failures; largest peak-memory rise ${(r.peakGrowth / 2 ** 20).toFixed(1)} MiB\n`);
  for (const [k, n] of Object.entries(r.outcomes).sort()) process.stdout.write(`  ${k}: ${n}\n`);
  for (const f of r.failures) process.stdout.write(`FAILURE ${f}\n`);
  return r.failures.length > 0 ? 1 : 0;
}

main().then((code) => (process.exitCode = code));
