import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { KafkaError, UsageError, ioErrorFrom } from '../errors.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How to reach the cluster; validated by `kafkaConnectionFrom`, secrets never from argv. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly ssl: boolean;
  readonly sslCaFile: string | undefined;
  readonly sasl: { mechanism: SaslMechanism; username: string; password: string } | undefined;
  readonly verbose: boolean;
}

export interface KafkaConnectionFlags {
  brokers?: string;
  ssl?: boolean;
  sslCa?: string;
  saslMechanism?: SaslMechanism;
  saslUsername?: string;
  saslPasswordFile?: string;
  allowInsecurePlain?: boolean;
  verbose?: boolean;
}

/**
 * Brokers from --brokers or KAFKA_BROKERS; the SASL user from --sasl-username or
 * KAFKA_SASL_USERNAME; the password from KAFKA_SASL_PASSWORD or --sasl-password-file only
 * (argv is visible to every user of the machine through ps).
 */
export function kafkaConnectionFrom(flags: KafkaConnectionFlags, env: Readonly<Record<string, string | undefined>>, cwd: string): KafkaConnection {
  const brokerList = flags.brokers ?? env.KAFKA_BROKERS;
  if (!brokerList) throw new UsageError('no Kafka brokers: give -b/--brokers host:port or set KAFKA_BROKERS', '--brokers');
  const brokers = brokerList.split(',').map((b) => b.trim()).filter((b) => b !== '');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(broker)) {
      throw new UsageError(`invalid broker address '${broker}': use host:port`, '--brokers');
    }
  }
  let sasl: KafkaConnection['sasl'];
  if (flags.saslMechanism) {
    const username = flags.saslUsername ?? env.KAFKA_SASL_USERNAME;
    if (!username) throw new UsageError('SASL needs a user: --sasl-username or KAFKA_SASL_USERNAME', '--sasl-username');
    let password = env.KAFKA_SASL_PASSWORD;
    if (flags.saslPasswordFile) {
      try {
        password = readFileSync(new URL(flags.saslPasswordFile, `file://${cwd}/`), 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        throw ioErrorFrom(err, flags.saslPasswordFile, 'read the SASL password file');
      }
    }
    if (password === undefined) {
      throw new UsageError('SASL needs a password: set KAFKA_SASL_PASSWORD or give --sasl-password-file FILE (never on the command line)', '--sasl-mechanism');
    }
    if (flags.saslMechanism === 'plain' && !flags.ssl && !flags.allowInsecurePlain) {
      throw new UsageError('SASL PLAIN without --ssl would send the password in clear text; add --ssl, use SCRAM, or pass --allow-insecure-plain', '--sasl-mechanism');
    }
    sasl = { mechanism: flags.saslMechanism, username, password };
  } else if (flags.saslUsername || flags.saslPasswordFile) {
    throw new UsageError('--sasl-username and --sasl-password-file need --sasl-mechanism', '--sasl-mechanism');
  }
  return { brokers, ssl: flags.ssl === true || flags.sslCa !== undefined, sslCaFile: flags.sslCa, sasl, verbose: flags.verbose === true };
}

const LEVEL_NAMES: Record<number, string> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

/**
 * A kafkajs client that fails fast (an unreachable broker is reported in seconds, not after
 * kafkajs's minute of retries) and logs to stderr only: WARN and up, INFO with --verbose.
 */
export function createKafka(connection: KafkaConnection, stderr: Writable, cwd: string): Kafka {
  let ssl: KafkaConfig['ssl'] = connection.ssl;
  if (connection.sslCaFile) {
    try {
      ssl = { ca: [readFileSync(new URL(connection.sslCaFile, `file://${cwd}/`), 'utf8')] };
    } catch (err) {
      throw ioErrorFrom(err, connection.sslCaFile, 'read the CA file');
    }
  }
  return new Kafka({
    clientId: 'pageviews',
    brokers: [...connection.brokers],
    ssl,
    sasl: connection.sasl ? ({ ...connection.sasl } as SASLOptions) : undefined, // a copy: kafkajs adds functions to it
    connectionTimeout: 3_000,
    authenticationTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 3, initialRetryTime: 250, maxRetryTime: 2_000 },
    logLevel: connection.verbose ? logLevel.INFO : logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // kafkajs logs every failed attempt as an ERROR; what finally fails reaches the user as
      // our own one-line error, so without --verbose only its warnings are shown.
      if (entry.level === logLevel.ERROR && !connection.verbose) return;
      const { message, error } = entry.log;
      stderr.write(`pageviews: kafka ${LEVEL_NAMES[entry.level] ?? 'log'} [${entry.namespace}]: ${message}${error ? ` (${error})` : ''}\n`);
    },
  });
}

/** Turns a kafkajs error into our one-line Kafka error (exit code 5), with a hint where we have one. */
export function kafkaErrorFrom(err: unknown, where: string, doing: string): KafkaError {
  if (err instanceof KafkaError) return err;
  const e = err as Error & { type?: string; retriable?: boolean; originalError?: Error };
  const detail = e.originalError?.message ?? e.message ?? String(err);
  let hint = '';
  if (/ECONNREFUSED|Connection timeout|ENOTFOUND|EHOSTUNREACH|Closed connection|connect ETIMEDOUT/i.test(`${detail} ${e.message}`)) {
    hint = '; is the broker running and the address right? (npm run kafka:up starts one)';
  } else if (e.name === 'KafkaJSSASLAuthenticationError') {
    hint = '; check the user, password and mechanism';
  }
  return new KafkaError(`cannot ${doing}: ${detail}${hint}`, where, err);
}
