import { holdArea } from './corpus.js';

await holdArea('config-changes.ts');
