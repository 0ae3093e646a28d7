#!/usr/bin/env node
// npm run bench: throughput and memory of `pageviews count` against the floor (`cat`),
// DuckDB on the same file and work, and for Kafka against a bare kafkajs consumer and kcat.
// A script, not a test: it prints figures and checks the targets of the performance issue.
//
//   node scripts/bench.mjs [--runs N] [--sizes 1m,5m] [--no-files] [--no-kafka] [--no-memory] [--quick]
//
// Data comes from the project's own generator (produce-sample), cached in .cache/bench.
// DuckDB (@duckdb/node-api) is installed on demand into .cache/bench/duckdb: as a
// devDependency it breaks `npm ci` here (the registry serves only its linux-x64 binding).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache', 'bench');
const BIN = path.join(ROOT, 'bin', 'pageviews');
const DUCKDB_VERSION = '1.5.6-r.1';
const EVENTS = { '1m': 1_000_000, '5m': 5_000_000 };
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const { RUNS, SIZES, skip } = parseOptions(process.argv.slice(2));

/** The command line, strictly: an unknown option or a bad value stops before any work (exit 2). */
function parseOptions(argv) {
  const usage = 'usage: node scripts/bench.mjs [--runs N] [--sizes 1m,5m] [--no-files] [--no-kafka] [--no-memory] [--quick]';
  const fail = (message) => {
    process.stderr.write(`bench: ${message}\n${usage}\n`);
    process.exit(2);
  };
  const boolean = { type: 'boolean' };
  let values;
  try {
    const options = { runs: { type: 'string' }, sizes: { type: 'string' }, 'no-files': boolean, 'no-kafka': boolean, 'no-memory': boolean, quick: boolean, help: boolean };
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    fail(err.message);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const runs = values.runs ?? (values.quick ? '1' : '3');
  if (!/^[1-9][0-9]*$/.test(runs)) fail(`--runs must be a positive whole number, got '${runs}'`);
  const sizes = (values.sizes ?? (values.quick ? '1m' : '1m,5m')).split(',');
  for (const size of sizes) if (!(size in EVENTS)) fail(`--sizes: unknown size '${size}' (one or more of ${Object.keys(EVENTS).join(', ')})`);
  return { RUNS: Number(runs), SIZES: sizes, skip: { files: values['no-files'], kafka: values['no-kafka'], memory: values['no-memory'] } };
}

// Generator settings from the issue: 50k pages, 1M users, Zipf s = 1.1, 35 days, ~5% out of
// order by up to 2 h.
function dataFile(size) {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `events-${size}.ndjson`);
  if (!existsSync(file)) {
    log(`generating ${size} events into ${file}`);
    execFileSync(process.execPath, [BIN, 'produce-sample', '--count', String(EVENTS[size]), '--users', '1000000', '--pages', '50000',
      '--span', '35d', '--skew', '1.1', '--late-fraction', '0.05', '--late-by', '2h', '--seed', '42', '-o', file, '-q'], { stdio: 'inherit' });
  }
  return file;
}

/** Runs a shell command under GNU time: wall seconds, CPU seconds, peak RSS in MB. */
function measure(command) {
  const out = path.join(CACHE, 'time.out');
  const result = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', 'bash', '-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`failed (${result.status}): ${command}\n${result.stderr}`);
  const [wall, user, sys, rssKb] = readFileSync(out, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, cpu: user + sys, rssMb: rssKb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs every scenario RUNS times, alternating between them, and keeps the medians of wall
 * time, CPU time and peak RSS (a run's peak memory moves by +-10 MB with garbage-collector
 * timing; the median is the typical run, the maximum the unlucky one).
 */
function runAlternating(scenarios) {
  const samples = new Map(scenarios.map((s) => [s.name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const s of scenarios) samples.get(s.name).push(measure(s.command));
  }
  return scenarios.map((s) => {
    const xs = samples.get(s.name);
    return { ...s, wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), rssMb: median(xs.map((x) => x.rssMb)), rssMaxMb: Math.max(...xs.map((x) => x.rssMb)) };
  });
}

function ensureDuckDb() {
  const dir = path.join(CACHE, 'duckdb');
  if (!existsSync(path.join(dir, 'node_modules', '@duckdb', 'node-api'))) {
    log(`installing @duckdb/node-api@${DUCKDB_VERSION} into ${dir}`);
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', dir, `@duckdb/node-api@${DUCKDB_VERSION}`], { stdio: 'ignore' });
  }
  return path.join(ROOT, 'scripts', 'bench-duckdb.mjs');
}

const shq = (s) => `'${s.replaceAll("'", "'\\''")}'`;

function fileScenarios(file, size) {
  const duck = ensureDuckDb();
  const count = (extra) => `node ${shq(BIN)} count ${extra} -f csv -o ${shq(path.join(CACHE, 'out.csv'))} -q`;
  const list = [{ name: `cat ${size}`, command: `cat ${shq(file)} > /dev/null`, kind: 'floor' }];
  for (const by of ['page', 'user-page', 'both']) {
    list.push({ name: `duckdb ${by} ${size}`, command: `node ${shq(duck)} ${shq(file)} ${by} ${shq(path.join(CACHE, 'duck.csv'))}`, kind: 'duckdb', by });
    for (const grace of ['unbounded', '0']) {
      list.push({ name: `file ${by} grace ${grace} ${size}`, command: count(`${shq(file)} --by ${by} --grace ${grace}`), kind: 'file', by, grace });
      list.push({ name: `stdin ${by} grace ${grace} ${size}`, command: `cat ${shq(file)} | ${count(`--by ${by} --grace ${grace}`)}`, kind: 'stdin', by, grace });
    }
    if (by !== 'page') {
      list.push({ name: `file ${by} grace unbounded --threads 1 ${size}`, command: count(`${shq(file)} --by ${by} --grace unbounded --threads 1`), kind: 'file2', by });
    }
  }
  return list;
}

function report(title, rows, events, baseline) {
  console.log(`\n## ${title}\n`);
  console.log('| scenario | wall s | events/s | CPU s | peak RSS MB (median) | vs DuckDB (same aggregation) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const duck = baseline(r);
    const ratio = duck ? `${(duck.wall / r.wall).toFixed(2)}x` : '';
    console.log(`| ${r.name} | ${r.wall.toFixed(2)} | ${Math.round(events / r.wall).toLocaleString('en-US')} | ${r.cpu.toFixed(2)} | ${Math.round(r.rssMb)} | ${ratio} |`);
  }
}

const checks = [];
function check(label, ok, detail) {
  checks.push({ label, ok, detail });
}

function benchFiles() {
  const results = {};
  for (const size of SIZES) {
    const file = dataFile(size);
    log(`file and stdin scenarios on ${size} events (${(statSync(file).size / 1e6).toFixed(0)} MB), ${RUNS} run(s) each`);
    const rows = runAlternating(fileScenarios(file, size));
    const duckOf = (r) => rows.find((d) => d.kind === 'duckdb' && d.by === r.by && r.kind !== 'duckdb');
    report(`${size} events from a file`, rows, EVENTS[size], duckOf);
    for (const by of ['user-page', 'both']) {
      for (const kind of ['file', 'file2']) {
        const ours = rows.find((r) => r.kind === kind && r.by === by && (kind === 'file2' || r.grace === 'unbounded'));
        const duck = duckOf(ours);
        const label = kind === 'file2' ? ' (--threads 1)' : '';
        check(`file ${by} ${size}${label}: >= 2x DuckDB throughput`, duck.wall / ours.wall >= 2, `${(duck.wall / ours.wall).toFixed(2)}x`);
      }
    }
    for (const r of rows.filter((x) => x.kind === 'stdin')) {
      const f = rows.find((x) => x.kind === 'file' && x.by === r.by && x.grace === r.grace);
      check(`stdin ${r.by} grace ${r.grace} ${size}: within 1.2x of the file path`, r.wall <= 1.2 * f.wall, `${(r.wall / f.wall).toFixed(2)}x`);
    }
    results[size] = rows;
    checkSameRows(file, size);
  }
  return results;
}

/** Exactness on the way: with unbounded grace our CSV must equal DuckDB's, byte for byte. */
function checkSameRows(file, size) {
  const duck = ensureDuckDb();
  for (const by of ['page', 'user-page', 'both']) {
    const ours = path.join(CACHE, `ours-${by}.csv`);
    const theirs = path.join(CACHE, `duck-${by}.csv`);
    measure(`node ${shq(BIN)} count ${shq(file)} --by ${by} --grace unbounded -f csv -o ${shq(ours)} -q`);
    measure(`node ${shq(duck)} ${shq(file)} ${by} ${shq(theirs)}`);
    const same = spawnSync('cmp', ['-s', ours, theirs]).status === 0;
    check(`${size} ${by}: our CSV is byte-identical to DuckDB's`, same, same ? 'identical' : 'DIFFERENT');
    rmSync(ours, { force: true });
    rmSync(theirs, { force: true });
  }
}

function benchMemory(results) {
  if (!results['5m']) return;
  const file = dataFile('5m');
  const ours = results['5m'].find((r) => r.kind === 'file' && r.by === 'user-page' && r.grace === 'unbounded');
  const duck = results['5m'].find((r) => r.kind === 'duckdb' && r.by === 'user-page');
  const keys = Number(execFileSync('bash', ['-c', `wc -l < ${shq(path.join(CACHE, 'duck.csv'))}`]).toString()) - 1;
  const baseline = measure(`node ${shq(BIN)} --version`).rssMb;
  log('memory: the 5M file given four times (20M events, the same keys)');
  const twenty = measure(`node ${shq(BIN)} count ${[1, 2, 3, 4].map(() => shq(file)).join(' ')} --by user-page --grace unbounded -f csv -o ${shq(path.join(CACHE, 'out.csv'))} -q`);
  const perKey = ((ours.rssMb - baseline) * 1024 * 1024) / keys;
  console.log(`\n## Memory at 5M events (${keys.toLocaleString('en-US')} distinct user-page keys, from DuckDB's output; last window set)\n`);
  console.log(`ours ${Math.round(ours.rssMb)} MB (median of the runs' peaks; highest ${Math.round(ours.rssMaxMb)}), DuckDB ${Math.round(duck.rssMb)} MB, process baseline ${Math.round(baseline)} MB, ` +
    `${perKey.toFixed(0)} bytes per key above baseline; 20M events (same keys): ${Math.round(twenty.rssMb)} MB`);
  check('peak RSS at 5M <= 1/4 of DuckDB', ours.rssMb <= duck.rssMb / 4, `${(ours.rssMb / duck.rssMb).toFixed(2)} of DuckDB`);
  check('<= ~100 bytes per distinct key above baseline', perKey <= 110, `${perKey.toFixed(0)} B/key`);
  check('20M events (same keys) within 15% of 5M', twenty.rssMb <= ours.rssMb * 1.15, `${(twenty.rssMb / ours.rssMb).toFixed(2)}x`);
}

async function benchKafka() {
  const { startBroker } = await import('./kafka-broker.mjs');
  let broker;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    log('starting a Kafka broker');
    broker = await startBroker({ sasl: false });
    brokers = broker.brokers;
  }
  try {
    const topic = `bench-1m-${Date.now()}`;
    log(`producing 1M events to ${topic} (4 partitions)`);
    execFileSync(process.execPath, [BIN, 'produce-sample', '--topic', topic, '--partitions', '4', '--count', '1000000', '--users', '1000000',
      '--pages', '50000', '--span', '35d', '--seed', '42', '-b', brokers, '-q'], { stdio: 'inherit' });
    const kcat = ensureKcat();
    const scenarios = [
      { name: 'pageviews count --from-topic (user-page)', command: `node ${shq(BIN)} count --from-topic ${topic} -b ${brokers} --by user-page --grace unbounded -f csv -o ${shq(path.join(CACHE, 'out.csv'))} -q`, kind: 'ours' },
      { name: 'bare kafkajs consumer (counts only)', command: `node ${shq(path.join(ROOT, 'scripts', 'bench-kafkajs.mjs'))} ${brokers} ${topic} 1000000`, kind: 'kafkajs' },
      { name: 'bare kafkajs consumer, our lean record decoder', command: `node ${shq(path.join(ROOT, 'scripts', 'bench-kafkajs.mjs'))} ${brokers} ${topic} 1000000 lean`, kind: 'lean' },
    ];
    if (kcat) scenarios.push({ name: 'kcat -C -e', command: `kcat -C -b ${brokers} -t ${topic} -o beginning -e -q > /dev/null`, kind: 'kcat' });
    const rows = runAlternating(scenarios);
    report('Kafka replay of 1M events, 4 partitions', rows, 1_000_000, () => undefined);
    const ours = rows.find((r) => r.kind === 'ours');
    const bare = rows.find((r) => r.kind === 'kafkajs');
    const lean = rows.find((r) => r.kind === 'lean');
    check('Kafka replay >= 85% of the bare kafkajs consumer', bare.wall / ours.wall >= 0.85, `${((100 * bare.wall) / ours.wall).toFixed(0)}%`);
    console.log(`\nBeside a bare consumer with the same lean record decoder (${lean.wall.toFixed(2)} s) our replay runs at ${((100 * lean.wall) / ours.wall).toFixed(0)}% of its rate.`);
    const k = rows.find((r) => r.kind === 'kcat');
    if (k) console.log(`\nkcat reads the topic in ${k.wall.toFixed(2)} s: ${(ours.wall / k.wall).toFixed(1)}x faster than our replay.`);
  } finally {
    await broker?.stop();
  }
}

function ensureKcat() {
  if (spawnSync('kcat', ['-V']).status === 0) return true;
  if (process.getuid?.() === 0) {
    log('installing kcat (Debian package)');
    // The install is tried even when the update fails: one unreachable list should not stop it.
    spawnSync('bash', ['-c', 'apt-get update -qq; apt-get install -y -qq kcat'], { stdio: 'ignore' });
    if (spawnSync('kcat', ['-V']).status === 0) return true;
  }
  log('kcat is not installed (apt-get install kcat); its column is left out');
  return false;
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length;
  return `${cores} cores (${cpu}), Node ${process.version}, ${RUNS} run(s) per scenario, medians`;
}

if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
console.log(`# pageviews benchmark\n\n${machine()}`);
const results = skip.files ? {} : benchFiles();
if (!skip.memory) benchMemory(results);
if (!skip.kafka) await benchKafka();
rmSync(path.join(CACHE, 'out.csv'), { force: true });
console.log('\n## Targets\n');
for (const c of checks) console.log(`- [${c.ok ? 'x' : ' '}] ${c.label}: ${c.detail}`);
process.exitCode = 0;
