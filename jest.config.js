/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Transpile only (tsconfig isolatedModules): the azure-native typings are heavy; `npm test` type-checks once with tsc first.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["<rootDir>/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  // v8 coverage keeps serialized dynamic providers faithful (babel instrumentation inflates them 20x).
  coverageProvider: "v8",
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/tests/support/summary-reporter.js"],
};
