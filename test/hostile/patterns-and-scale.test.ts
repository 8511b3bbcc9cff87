import { holdArea } from './corpus.js';

await holdArea('patterns-and-scale.ts');
