// Vitest globalSetup: gives the integration tests a REAL Kafka broker (DESIGN.md section 7).
//
// - KAFKA_BROKERS set: use that broker (and KAFKA_SASL_BROKERS, if set); start nothing.
// - otherwise: start Kafka 3.9 from Maven Central jars (scripts/kafka-broker.mjs) on free
//   127.0.0.1 ports and stop it after the run.
// Tests read the addresses with inject('kafkaBrokers') / inject('kafkaSaslBrokers') (see
// test/support/kafka.ts); child processes (the CLI under test) see KAFKA_BROKERS /
// KAFKA_SASL_BROKERS in their environment. No broker means a FAILED run, never skipped tests.
import { KAFKA_VERSION, startBroker } from '../../scripts/kafka-broker.mjs';

export default async function setup(project) {
  if (process.env.KAFKA_BROKERS) {
    project.provide('kafkaBrokers', process.env.KAFKA_BROKERS);
    if (process.env.KAFKA_SASL_BROKERS) project.provide('kafkaSaslBrokers', process.env.KAFKA_SASL_BROKERS);
    return;
  }

  let broker;
  try {
    broker = await startBroker();
  } catch (err) {
    throw new Error(
      'The integration tests need a real Kafka broker and none could be started.\n' +
        `Fix: install Java 17 and Maven 3.8+ (Debian: apt-get install openjdk-17-jre-headless maven) so that ` +
        `test/kafka/pom.xml can fetch Kafka ${KAFKA_VERSION} from Maven Central, ` +
        'or point the tests at a running broker: KAFKA_BROKERS=host:port ' +
        '(plus KAFKA_SASL_BROKERS=host:port for the SASL tests; `npm run kafka:up` starts one).\n' +
        `Cause: ${err.message}`,
      { cause: err },
    );
  }

  project.provide('kafkaBrokers', broker.brokers);
  project.provide('kafkaSaslBrokers', broker.saslBrokers);
  // Workers and CLI child processes inherit the environment of this (main) process.
  process.env.KAFKA_BROKERS = broker.brokers;
  process.env.KAFKA_SASL_BROKERS = broker.saslBrokers;

  return async () => {
    delete process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_SASL_BROKERS;
    await broker.stop();
  };
}
