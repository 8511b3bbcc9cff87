import { holdArea } from './corpus.js';

await holdArea('monitoring.ts');
