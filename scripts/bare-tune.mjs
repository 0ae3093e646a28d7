// The kafkajs ceiling: a bare consumer that only counts messages until it has `expected`.
// Used by scripts/bench.mjs next to `pageviews count --from-topic` on the same topic.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

const [brokers, topic, expected] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 250, maxBytesPerPartition: Number(process.env.MBP), maxBytes: Number(process.env.MB) });
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
let seen = 0;
await new Promise((resolve) => {
  consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= Number(expected)) resolve();
    },
  });
});
await consumer.disconnect();
