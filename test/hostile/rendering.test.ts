import { holdArea } from './corpus.js';

await holdArea('rendering.ts');
