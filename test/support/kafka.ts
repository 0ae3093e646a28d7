// Broker addresses for integration tests, as provided by test/support/kafka-global-setup.mjs.
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    kafkaSaslBrokers?: string;
  }
}

/** The SCRAM-SHA-256/512 and PLAIN user that scripts/kafka-broker.mjs creates on its SASL listener. */
export const SASL_USER = 'pageviews';
export const SASL_PASSWORD = 'pageviews-secret';

/** PLAINTEXT bootstrap address, e.g. "127.0.0.1:39123". Throws (never skips) when missing. */
export function kafkaBrokers(): string {
  const brokers = inject('kafkaBrokers') ?? process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('No Kafka broker: add test/support/kafka-global-setup.mjs to globalSetup in the vitest config');
  return brokers;
}

/** SASL_PLAINTEXT bootstrap address. With an external KAFKA_BROKERS, KAFKA_SASL_BROKERS must be set too. */
export function kafkaSaslBrokers(): string {
  const brokers = inject('kafkaSaslBrokers') ?? process.env.KAFKA_SASL_BROKERS;
  if (!brokers) {
    throw new Error(
      `No SASL listener: set KAFKA_SASL_BROKERS=host:port (SASL_PLAINTEXT, user ${SASL_USER}/${SASL_PASSWORD}) ` +
        'next to KAFKA_BROKERS, or unset KAFKA_BROKERS to let the tests start their own broker',
    );
  }
  return brokers;
}
