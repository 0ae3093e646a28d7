import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A real Kafka broker for the integration tests (or KAFKA_BROKERS); no broker = failed run.
    globalSetup: ['test/support/kafka-global-setup.mjs'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
