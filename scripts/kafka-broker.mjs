#!/usr/bin/env node
// A real Apache Kafka 3.9 broker (KRaft combined mode) for the integration tests and for
// manual use, started with `java` from jars that Maven fetches (test/kafka/pom.xml).
// No Docker, no Kafka download: only Maven Central. See DESIGN.md section 7.
//
//   node scripts/kafka-broker.mjs up [--no-sasl]  start one in .cache/kafka/run (idempotent)
//   node scripts/kafka-broker.mjs down [--purge]  stop it (idempotent); --purge wipes its data
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_VERSION = '3.9.1'; // also the default in test/kafka/pom.xml
export const SASL_USER = 'pageviews';
export const SASL_PASSWORD = 'pageviews-secret';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache', 'kafka');
const LIB = path.join(CACHE, 'lib');
const RUN = path.join(CACHE, 'run');
const HINT = 'install Java 17 and Maven 3.8+ (Debian: apt-get install openjdk-17-jre-headless maven), ' +
  'or set KAFKA_BROKERS=host:port to use a broker that is already running';
// Small heap, C1 only, serial GC: a test broker on a shared 2-core box should start fast and
// stay small; peak throughput does not matter here.
const JVM_OPTS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Run a command to completion, capturing its output (never inherited: callers decide what to show). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (out += d));
    child.on('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`\`${cmd}\` was not found on the PATH: ${HINT}`) : err));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Fetches the broker jars once (a VERSION marker makes it idempotent); returns the classpath dir. */
export async function ensureKafkaJars() {
  const java = await run('java', ['-version']); // Kafka 3.9 brokers need 11+; 17 is what we test
  if (java.code !== 0 || Number(/version "(\d+)/.exec(java.out)?.[1]) < 11) {
    throw new Error(`Java 11+ is required, found: ${java.out.split('\n')[0]}; ${HINT}`);
  }
  const fetched = async () => (await fs.readFile(path.join(LIB, 'VERSION'), 'utf8').catch(() => '')).trim() === KAFKA_VERSION;
  if (await fetched()) return LIB;
  // Fetch into a private dir and rename, so a half-done or concurrent fetch never looks complete.
  const tmp = `${LIB}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  process.stderr.write(`kafka-broker: fetching the Kafka ${KAFKA_VERSION} jars with Maven into ${LIB} (once)\n`);
  const mvn = await run('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', path.join(ROOT, 'test', 'kafka', 'pom.xml'),
    'package', `-Dkafka.version=${KAFKA_VERSION}`, `-Dkafka.lib.dir=${tmp}`]);
  if (mvn.code !== 0) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new Error(`mvn could not fetch the Kafka ${KAFKA_VERSION} jars from Maven Central ` +
      `(exit ${mvn.code}):\n${mvn.out.replace(/\x1b\[[\d;]*m/g, '').split('\n') // (Maven's boilerplate hints out)
        .filter((l) => l.trim() && !/^\[ERROR\] *(To see|Re-run|For more|\[Help|$)/.test(l)).slice(-20).join('\n')}`);
  }
  await fs.writeFile(path.join(tmp, 'VERSION'), `${KAFKA_VERSION}\n`);
  if (!(await fetched())) await fs.rm(LIB, { recursive: true, force: true }); // else: lost a race, fine
  await fs.rename(tmp, LIB).catch(() => {});
  await fs.rm(tmp, { recursive: true, force: true });
  return LIB;
}

/** Ports on 127.0.0.1: each preferred one if it is free, else one the OS picks. All are held
 *  open until every port is chosen, so the OS cannot hand out the same port twice. */
async function pickPorts(preferred) {
  const listen = (port) => new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(srv));
  });
  const servers = [];
  try {
    for (const want of preferred) servers.push(await listen(want).catch(() => listen(0)));
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

function serverProperties({ dir, plain, saslPort, controller, sasl }) {
  const listeners = [`PLAINTEXT://127.0.0.1:${plain}`];
  if (sasl) listeners.push(`SASL_PLAINTEXT://127.0.0.1:${saslPort}`);
  const jaas = (module, extra = '') => `org.apache.kafka.common.security.${module} required${extra};`;
  return [
    'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${controller}`,
    `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${controller}`].join(',')}`,
    `advertised.listeners=${listeners.join(',')}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER', 'inter.broker.listener.name=PLAINTEXT',
    ...(sasl ? [
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      // PLAIN users live in the JAAS line; SCRAM users in the metadata log (--add-scram at format).
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaas('plain.PlainLoginModule', ` user_${SASL_USER}="${SASL_PASSWORD}"`)}`,
      `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
      `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
    ] : []),
    `log.dirs=${path.join(dir, 'data').replaceAll('\\', '/')}`,
    // Replays read from offset 0 of old data: never delete anything by age or size.
    'log.retention.ms=-1', 'log.retention.bytes=-1', 'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false', 'num.partitions=1', 'default.replication.factor=1',
    'offsets.topic.replication.factor=1', 'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Light: few threads, few internal partitions (50 by default), small segments and indexes.
    'offsets.topic.num.partitions=5', 'transaction.state.log.num.partitions=5',
    'num.network.threads=2', 'num.io.threads=2', 'num.recovery.threads.per.data.dir=1',
    'background.threads=2', 'log.cleaner.threads=1', 'log.cleaner.dedupe.buffer.size=8388608',
    'log.segment.bytes=16777216', 'log.index.size.max.bytes=1048576',
    'metadata.log.segment.bytes=8388608', 'metadata.log.max.record.bytes.between.snapshots=1048576',
  ].join('\n') + '\n';
}

// WARN and above to a file (fresh each start, so a failure's tail is this run's), never stdout;
// the "Kafka Server started" line is kept for humans reading the log.
const log4jProperties = (dir) => `log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.Append=false
log4j.appender.file.File=${path.join(dir, 'logs', 'server.log').replaceAll('\\', '/')}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
`;

/** The last lines of the broker's logs, without Java stack frames (they bury the message). */
async function logTail(dir, lines = 25) {
  const parts = await Promise.all(['logs/server.log', 'logs/stdout.log'].map(async (f) => {
    const text = (await fs.readFile(path.join(dir, f), 'utf8').catch(() => '')).trim()
      .split('\n').filter((l) => !/^\s+(at |\.\.\. \d+ more)/.test(l)).slice(-lines).join('\n');
    return text && `--- ${path.join(dir, f)} (tail) ---\n${text}`;
  }));
  return parts.filter(Boolean).join('\n') || `(no broker log in ${dir}/logs)`;
}

/** Alive and not a zombie (PID 1 here may never reap orphans, so kill(pid, 0) alone lies). */
export function isAlive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

/** SIGTERM to the whole process group (the broker is a group leader), SIGKILL after graceMs. */
export async function stopPid(pid, graceMs = 10_000) {
  const signal = (sig) => { try { process.kill(-pid, sig); } catch {} };
  for (const [sig, wait] of [['SIGTERM', graceMs], ['SIGKILL', 5_000]]) {
    if (!isAlive(pid)) break;
    signal(sig);
    for (const end = Date.now() + wait; isAlive(pid) && Date.now() < end;) await sleep(100);
  }
  signal('SIGKILL'); // what is left of the group: the watchdog of startBroker, if any
  if (isAlive(pid)) throw new Error(`Kafka broker pid ${pid} survived SIGKILL`);
}

/** A live JVM running kafka.Kafka (a pid file may outlive its process; pids get reused). */
function isKafkaPid(pid) {
  if (!pid || !isAlive(pid)) return false;
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka'); } catch { return true; }
}

async function probe(broker, sasl) {
  const admin = new Kafka({ clientId: 'kafka-broker-probe', brokers: [broker], sasl, logLevel: logLevel.NOTHING,
    connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 0 } }).admin();
  try { await admin.connect(); await admin.listTopics(); } finally { await admin.disconnect().catch(() => {}); }
}

/**
 * Starts a broker; resolves once kafkajs can list topics on it (and log in with SCRAM, if sasl).
 * Unless `detached`, the broker dies with the calling process even if that is SIGKILLed: a
 * shell watchdog holds a pipe from us and kills the JVM when the pipe closes. `detached`
 * brokers outlive the caller (kafka:up). `ports` = preferred [plain, sasl, controller].
 */
export async function startBroker({ dir, sasl = true, detached = false, ports = [0, 0, 0], timeoutMs = 60_000 } = {}) {
  const lib = await ensureKafkaJars();
  const ownDir = !dir;
  dir = ownDir ? await fs.mkdtemp(path.join(os.tmpdir(), 'pageviews-kafka-')) : path.resolve(dir);
  let pid;
  const stop = async () => {
    if (pid) await stopPid(pid);
    if (ownDir) await fs.rm(dir, { recursive: true, force: true });
  };
  // One broker per dir: Kafka 3.9 opens the metadata log before it locks the dir, so a second
  // broker on the same dir corrupts the first one's metadata log before failing itself.
  const other = Number(await fs.readFile(path.join(dir, 'broker.pid'), 'utf8').catch(() => 0));
  if (isKafkaPid(other)) throw new Error(`a Kafka broker (pid ${other}) is already running in ${dir}`);
  try {
    await fs.mkdir(path.join(dir, 'logs'), { recursive: true });
    const [plain, saslPort, controller] = await pickPorts(ports);
    const props = path.join(dir, 'server.properties');
    await fs.writeFile(props, serverProperties({ dir, plain, saslPort, controller, sasl }));
    await fs.writeFile(path.join(dir, 'log4j.properties'), log4jProperties(dir));
    const java = ['-cp', path.join(lib, '*'), `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${path.join(dir, 'logs')}`, ...JVM_OPTS];

    // Format once (--ignore-formatted keeps existing data). SCRAM users are created here (KIP-900)
    // so they exist before the first client connects; kafkajs has no AlterUserScramCredentials.
    // Kafka 3.9 still checks the cluster id of formatted storage: a reused `dir` keeps its id.
    const meta = await fs.readFile(path.join(dir, 'data', 'meta.properties'), 'utf8').catch(() => '');
    let clusterId = /^cluster\.id=(.+)$/m.exec(meta)?.[1].trim(); // a leading '-' would parse as an option
    while (!clusterId || clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    const scram = sasl ? ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) =>
      ['--add-scram', `${m}=[name=${SASL_USER},password=${SASL_PASSWORD}]`]) : [];
    const fmt = await run('java', ['-Xmx256m', ...java, 'kafka.tools.StorageTool', 'format', '--config', props,
      '--cluster-id', clusterId, '--ignore-formatted', ...scram]);
    if (fmt.code !== 0) throw new Error(`kafka-storage format failed (exit ${fmt.code}):\n${fmt.out.trim()}`);

    const out = openSync(path.join(dir, 'logs', 'stdout.log'), 'w');
    const args = ['-Xms128m', '-Xmx512m', ...java, 'kafka.Kafka', props];
    // exec keeps one pid for the JVM; fd 3 is our pipe; `$$` in the subshell is the JVM's pid.
    const watchdog = 'exec 3<&0; (cat <&3 >/dev/null 2>&1; kill $$ 2>/dev/null && sleep 10 && kill -9 $$ 2>/dev/null) & ' +
      'exec java "$@" </dev/null 3<&-';
    const child = detached // (detached: own process group, so stop() can signal the whole tree)
      ? spawn('java', args, { detached: true, stdio: ['ignore', out, out] })
      : spawn('/bin/sh', ['-c', watchdog, 'sh', ...args], { detached: true, stdio: ['pipe', out, out] });
    closeSync(out);
    pid = child.pid;
    await fs.writeFile(path.join(dir, 'broker.pid'), `${pid}\n`);
    child.unref();
    child.stdin?.unref?.(); // (a pipe keeps node alive; the broker should not)
    let exited = '';
    child.on('error', (err) => (exited = err.message));
    child.on('exit', (code, sig) => (exited = `exit code ${code}, signal ${sig}`));

    const brokers = `127.0.0.1:${plain}`;
    const saslBrokers = sasl ? `127.0.0.1:${saslPort}` : undefined;
    const scramAuth = { mechanism: 'scram-sha-256', username: SASL_USER, password: SASL_PASSWORD };
    let lastError = 'no attempt';
    for (const end = Date.now() + timeoutMs; ;) {
      if (exited) throw new Error(`Kafka broker exited during startup (${exited})`);
      if (Date.now() > end) throw new Error(`Kafka broker not ready after ${timeoutMs / 1000}s (${lastError})`);
      try {
        await probe(brokers);
        if (sasl) await probe(saslBrokers, scramAuth);
        return { brokers, saslBrokers, pid, dir, stop, ports: [plain, saslPort, controller] };
      } catch (err) { lastError = err.message; await sleep(250); }
    }
  } catch (err) {
    const tail = await logTail(dir);
    await stop().catch(() => {});
    err.message = `${err.message}\n${ownDir ? '(temp dir removed) ' : ''}${tail}`;
    throw err;
  }
}

// ---- CLI: kafka:up / kafka:down --------------------------------------------------------
const PID_FILE = path.join(RUN, 'broker.pid');
const ENV_FILE = path.join(RUN, 'broker.env');

async function cli([cmd, ...flags]) {
  const pid = Number(await fs.readFile(PID_FILE, 'utf8').catch(() => 0));
  if (cmd === 'up') {
    if (isKafkaPid(pid)) {
      process.stderr.write(`Kafka broker already running (pid ${pid}, ${RUN})\n`);
      process.stdout.write(await fs.readFile(ENV_FILE, 'utf8'));
      return;
    }
    const defaults = [9092, 9093, 9094];
    const b = await startBroker({ dir: RUN, detached: true, sasl: !flags.includes('--no-sasl'), ports: defaults });
    const env = `KAFKA_BROKERS=${b.brokers}\n` + (b.saslBrokers ? `KAFKA_SASL_BROKERS=${b.saslBrokers}\n` : '');
    await fs.writeFile(ENV_FILE, env); // (startBroker wrote PID_FILE)
    const moved = ['plain', 'sasl', 'controller'].map((name, i) => [name, defaults[i], b.ports[i]])
      .filter(([name, want, got]) => want !== got && (name !== 'sasl' || b.saslBrokers))
      .map(([name, want, got]) => `${name} port ${want} busy, using ${got}`);
    process.stderr.write(`Kafka ${KAFKA_VERSION} up (pid ${b.pid}, data and logs in ${RUN})` +
      (moved.length ? `\n${moved.join('; ')}` : '') +
      (b.saslBrokers ? `\nSASL_PLAINTEXT: PLAIN/SCRAM-SHA-256/SCRAM-SHA-512 user ${SASL_USER} password ${SASL_PASSWORD}` : '') +
      '\nStop it with: node scripts/kafka-broker.mjs down\n');
    process.stdout.write(env);
  } else if (cmd === 'down') {
    const running = isKafkaPid(pid);
    if (running) await stopPid(pid);
    process.stderr.write(running ? `Kafka broker stopped (pid ${pid})\n` : 'No Kafka broker running\n');
    await Promise.all([PID_FILE, ENV_FILE].map((f) => fs.rm(f, { force: true })));
    if (flags.includes('--purge')) await fs.rm(RUN, { recursive: true, force: true });
  } else {
    process.stderr.write('usage: node scripts/kafka-broker.mjs up [--no-sasl] | down [--purge]\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`kafka-broker: ${err.message}\n`);
    process.exitCode = 1;
  });
}
