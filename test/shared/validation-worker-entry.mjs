// The worker script for tests that check shards with the TypeScript sources: it registers tsx
// in the worker thread, then serves shards as a bundle's entry does.
import { register } from 'tsx/esm/api';

register();
const { serveValidationShards } = await import('../../shared/validation/shard-worker.ts');
await serveValidationShards();
