import { holdArea } from './corpus.js';

await holdArea('identifiers.ts');
