import { holdArea } from './corpus.js';

await holdArea('parsing.ts');
