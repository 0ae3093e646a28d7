import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Kafka as KafkaClient, KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import { KafkaError, ioErrorFrom } from '../errors.js';
import type { KafkaConnection } from './connection.js';
import { kafkajs } from './kafkajs.js';

const { Kafka, logLevel } = kafkajs;

const LEVEL_NAMES: Record<number, string> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

/**
 * A kafkajs client that fails fast (an unreachable broker is reported in seconds, not after
 * kafkajs's minute of retries) and logs to stderr only: WARN and up, INFO with --verbose.
 */
export function createKafka(connection: KafkaConnection, stderr: Writable, cwd: string): KafkaClient {
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
