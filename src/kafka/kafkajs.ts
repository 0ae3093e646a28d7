import { createRequire } from 'node:module';
import { installLeanRecordDecoder } from './lean-record-decoder.js';

/**
 * kafkajs, loaded here and nowhere else (other modules import only its types): the lean
 * record decoder must be in place before kafkajs loads, and a static `import` of a CommonJS
 * package runs it while the importing module graph is linked, before any of our code.
 */
installLeanRecordDecoder();
export const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
