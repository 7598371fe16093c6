import * as core from '@actions/core';
import { run } from './action.js';
import { inert } from './capture/job-log.js';

// The only place that fails the step.
run().catch((err: unknown) => core.setFailed(inert((err as Error).message)));
