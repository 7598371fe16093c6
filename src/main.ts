import * as core from '@actions/core';
import { run } from './action.js';

// The only place that fails the step.
run().catch((err: unknown) => core.setFailed((err as Error).message));
