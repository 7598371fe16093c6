// Unit tests (*.test.ts) run anywhere; integration tests (*.test.itg.ts) need the Docker engine
// that .ci/run starts (see .ci/docker-up.sh).
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  resolver: 'ts-jest-resolver',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.itg.ts'] },
  ],
};
