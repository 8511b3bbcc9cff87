// Runs in every test file: the stand-ins a file started lazily are stopped when it is done.
import { afterAll } from 'vitest';
import { stopSharedStandIns } from '../../harness/stand-ins/index.js';

afterAll(() => stopSharedStandIns());
