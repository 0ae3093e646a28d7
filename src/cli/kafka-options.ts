import { Option, type Command } from 'commander';

/** The connection flags shared by every command that talks to Kafka. */
export function addKafkaConnectionOptions(command: Command): Command {
  return command
    .option('-b, --brokers <list>', 'bootstrap brokers host:port[,host:port] (default: $KAFKA_BROKERS)')
    .option('--ssl', 'connect with TLS')
    .option('--ssl-ca <file>', 'trust this CA certificate (PEM); implies --ssl')
    .addOption(new Option('--sasl-mechanism <mechanism>', 'SASL authentication').choices(['plain', 'scram-sha-256', 'scram-sha-512']))
    .option('--sasl-username <user>', 'SASL user (default: $KAFKA_SASL_USERNAME)')
    .option('--sasl-password-file <file>', 'read the SASL password from FILE (default: $KAFKA_SASL_PASSWORD; never on the command line)')
    .option('--allow-insecure-plain', 'allow SASL PLAIN without TLS (sends the password in clear text)');
}
