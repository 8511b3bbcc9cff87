import { holdArea } from './corpus.js';

await holdArea('policy.ts');
