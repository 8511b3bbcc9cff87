import { holdArea } from './corpus.js';

await holdArea('paths.ts');
