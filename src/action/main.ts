import * as core from '@actions/core';
import { run } from './action.js';
import { inert } from '../capture/job-log.js';

// The only place that fails the step.
run()
  .catch((err: unknown) => core.setFailed(inert((err as Error).message)))
  // Done: a service that never answered may still hold a socket open; the step ends now all the same.
  .finally(() => process.exit());
