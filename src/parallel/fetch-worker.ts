import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { createKafka } from '../kafka/client.js';
import { TopicReplay } from '../kafka/replay.js';
import { BlockPool, RecordPacker } from './record-blocks.js';
import { workerErrorFrom, type FetchWorkerData, type FromFetchWorker, type ToFetchWorker } from './worker-protocol.js';

/**
 * A fetch worker: a second kafkajs consumer, on its own thread, for part of a replay's
 * partitions. kafkajs decodes every record into objects on the thread that consumes, and
 * that alone keeps one core busy; two consumers share the work. Records go to the main
 * thread packed in blocks of shared memory, which it hands on to the count worker.
 */
const post = (message: FromFetchWorker) => parentPort!.postMessage(message);

/** Blocks handed over and not yet counted: bounds memory when counting falls behind. */
const MAX_BLOCKS_OUT = 4;

const stopping = new AbortController();
const pool = new BlockPool();
let blocksOut = 0;
let consumed = 0;
let released = () => {};

let start!: (data: FetchWorkerData) => void;
const started = new Promise<FetchWorkerData>((resolve) => (start = resolve));
parentPort!.on('message', (message: ToFetchWorker) => {
  if (message.type === 'start') {
    start(message.data);
  } else if (message.type === 'release') {
    pool.give(message.block);
    blocksOut--;
  } else {
    stopping.abort('stop');
  }
  released();
});

const packer = new RecordPacker(pool, (block, length) => {
  blocksOut++;
  post({ type: 'records', block, length, consumed });
});

const data = await started;
let replay: TopicReplay | undefined;
try {
  const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => (post({ type: 'log', text: String(chunk) }), done()) });
  const kafka = createKafka(data.connection, stderr, data.cwd);
  const { topic, ranges, allPartitions, group } = data;
  replay = new TopicReplay(kafka, undefined, { topic, ranges, allPartitions, group: undefined, maxMessages: undefined, signal: stopping.signal, throwawayGroup: group });
  await replay.run({
    onRecord: (value, partition, offset) => packer.add(value, partition, offset),
    async afterBatch(offsets) {
      consumed += offsets;
      while (blocksOut >= MAX_BLOCKS_OUT && !stopping.signal.aborted) await new Promise<void>((resolve) => (released = resolve));
    },
  });
  packer.flush();
  post({ type: 'done', consumed });
} catch (err) {
  if (!stopping.signal.aborted) post(workerErrorFrom(err));
}
await replay?.close();
post({ type: 'closed' });
