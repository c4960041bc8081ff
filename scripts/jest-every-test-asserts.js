// Jest setup for the library's tests and every package's: a test that makes no assertion passes
// whatever the code does, so every test must assert.
beforeEach(() => {
  expect.hasAssertions();
});
