import { defineConfig } from 'vitest/config';

// The tests `npm run mutation` (StrykerJS) runs against each mutant: the fast unit and model
// tests of the mutated directories. Left out: the browser and web tests, the CLI tests (they
// spawn processes, which do not see Stryker's in-memory mutants), the shipped-scenario checks
// and golden traces (minutes of whole-fleet runs per mutant; the golden hashes would kill nearly
// every mutant of the model by themselves, which says little about the unit tests).
// FLEETSIM_MUTATION_TESTS (comma-separated globs) narrows the tests to those of the directory
// being measured, e.g. FLEETSIM_MUTATION_TESTS='test/engine/**/*.test.ts'.
const narrowed = process.env.FLEETSIM_MUTATION_TESTS?.split(',').filter((glob) => glob !== '');

export default defineConfig({
  test: {
    include: narrowed ?? [
      'test/engine/**/*.test.ts',
      'test/checkers/**/*.test.ts',
      'test/scenario/**/*.test.ts',
      'test/faults/**/*.test.ts',
      'test/model/etcd/**/*.test.ts',
      'test/model/node/**/*.test.ts',
      'test/model/server/**/*.test.ts',
      'test/model/world/**/*.test.ts',
      'test/agents/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
