// Types for the test broker script (plain ESM JavaScript, run without a build step).
export const KAFKA_VERSION: string;
export const SASL_USER: string;
export const SASL_PASSWORD: string;

export interface RunningBroker {
  brokers: string;
  saslBrokers: string | undefined;
  pid: number;
  dir: string;
  stop(): Promise<void>;
  ports: number[];
}

export function ensureKafkaJars(): Promise<string>;
export function startBroker(options?: { dir?: string; sasl?: boolean; detached?: boolean; ports?: number[]; timeoutMs?: number }): Promise<RunningBroker>;
