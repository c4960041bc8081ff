import { Testing } from "cdktf";

Testing.setupJest();

// A test that makes no assertion passes whatever the code does: every test must assert.
beforeEach(() => {
  expect.hasAssertions();
});
