import { holdArea } from './corpus.js';

await holdArea('schemas.ts');
