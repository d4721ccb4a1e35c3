/**
 * A require hook that compiles TypeScript with SWC, with the options jest uses (jest.config.js), so that a test can
 * run part of the project in a child process of its own (see child-service.ts) without a build step:
 * `node -r ./test/support/swc-register.cjs some-file.ts`.
 */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
