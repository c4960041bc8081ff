const { selectedToolchain, jestModuleNameMapper } = require("../../scripts/toolchain");

/** @type {import('jest').Config} */
module.exports = {
  displayName: "tools",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Every test must assert.
  setupFilesAfterEnv: ["<rootDir>/../../scripts/jest-every-test-asserts.js"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // The docs are generated from the synthesized stacks: under CDK_TOOLCHAIN=cdktn, from CDK Terrain's.
  moduleNameMapper: jestModuleNameMapper(selectedToolchain()),
};
