import { readFileSync } from 'node:fs';
import { UsageError, ioErrorFrom } from '../errors.js';

/*
 * How to reach a Kafka cluster, from flags and environment. Kept apart from client.ts so
 * that parsing flags does not load kafkajs: a count of files never loads it (~70 ms).
 */

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
