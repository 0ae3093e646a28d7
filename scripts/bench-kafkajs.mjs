// The kafkajs ceiling: a bare consumer that only counts messages until it has `expected`.
// Used by scripts/bench.mjs next to `pageviews count --from-topic` on the same topic.
// `lean` as a 4th argument loads kafkajs the way pageviews does, with its lean record
// decoder (src/kafka/lean-record-decoder.ts): the ceiling of the client as we run it.
import { randomUUID } from 'node:crypto';

const [brokers, topic, expected, variant] = process.argv.slice(2);
const { Kafka, logLevel } = variant === 'lean' ? (await import('../dist/kafka/kafkajs.js')).kafkajs : await import('kafkajs');
const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
// The fetch sizes of our replay (src/kafka/replay.ts), so that both ask the broker alike.
const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 250, maxBytesPerPartition: 1 << 20, maxBytes: 32 << 20 });
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
