/**
 * Jest runs TypeScript through SWC (no type-checking here: `npm run typecheck` does that once, ~3x faster).
 * Unit specs live beside the code (src/**\/*.spec.ts); end-to-end specs, which boot the service against the
 * CPO simulator on loopback and a real database, live in test/ (*.e2e-spec.ts).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(ts|js)$': swc },
  // content-disposition 3 (under @fastify/static) ships ESM only; compile it to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // 2 cores: two workers, each suite gets its own database (see test/support/database.ts).
  maxWorkers: 2,
  testTimeout: 60000,
};
