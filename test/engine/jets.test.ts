import { beforeAll } from 'vitest';
import { init } from '../../dist/index.js';
import { jetSuite } from './jet-suite.js';

beforeAll(async () => {
  await init();
});
jetSuite();
