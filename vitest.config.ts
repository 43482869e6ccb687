import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The inline rule cases (test/rule-tester.ts) are pure: each writes its own temporary tree and lints it through the
 * library API. They run without per-file isolation, so the library is imported once for all of them instead of
 * once per rule file (about 12 s instead of 60 s for the 32 files on the shared 2-core machine).
 * https://vitest.dev/config/isolate: "disable isolation for specific test files by ... disabling isolation per project".
 */
const RULE_CASES = ['test/rules/*.cases.test.ts', 'test/rule-tester.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...RULE_CASES] } },
      { extends: true, test: { name: 'rule-cases', include: RULE_CASES, isolate: false } },
    ],
  },
});
