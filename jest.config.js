const { selectedToolchain, jestModuleNameMapper } = require("./scripts/toolchain");

const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
};

/** @type {import('jest').Config} */
module.exports = {
  // One worker per core: jest's default leaves one core idle, which on a 2-core machine is half of it.
  maxWorkers: "100%",
  // Tests that run the app, npm or git in child processes (several at once) outlast jest's 5 s
  // default on a loaded or small machine, such as a 2-core CI runner; the children time out at 30 s too.
  testTimeout: 30_000,
  // The library's and the app's tests (__tests__/), then each tool's own (packages/*/__tests__/,
  // with the package's jest.config.js).
  projects: [
    {
      displayName: "library",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.test.ts"],
      transform,
      // CDK_TOOLCHAIN=cdktn: cdktf, @cdktf/provider-aws and constructs load from toolchains/cdktn.
      moduleNameMapper: jestModuleNameMapper(selectedToolchain()),
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
    "<rootDir>/packages/*",
  ],
};
