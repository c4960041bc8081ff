/** @type {import('jest').Config} */
module.exports = {
  displayName: "plan-summary",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Every test must assert.
  setupFilesAfterEnv: ["<rootDir>/../../scripts/jest-every-test-asserts.js"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
};
