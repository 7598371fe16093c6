import * as core from '@actions/core';
import { items, lines, list, words, type BuildInputs } from '../capture/inputs.js';
import { COMMENT_MODES, type CommentMode } from '../publish/comment.js';
import { parseDuration } from '../verify/duration.js';

function commentMode(value: string): CommentMode {
  const v = (value.trim().toLowerCase() || 'auto') as CommentMode;
  if (!COMMENT_MODES.includes(v))
    throw new Error(`'comment' input must be auto, always, never or on-regression but got '${value}'`);
  return v;
}

export type Mode = 'run' | 'analyze';

/** Every input of action.yml, by its exact name. */
export interface Inputs extends BuildInputs {
  mode: Mode;
  'log-file': string;
  'build-ref': string;
  'metadata-file': string;
  dockerfile: string;
  'report-path': string;
  'fail-on-build-error': boolean;
  'measure-sizes': boolean;
  'baseline-file': string;
  'changed-files': string;
  'git-base': string;
  'time-threshold': string;
  'size-threshold': string;
  'fail-on-regression': boolean;
  comment: CommentMode;
  'report-id': string;
  'github-token': string;
  artifact: boolean;
  'artifact-name': string;
  'retention-days': number | null;
  charts: boolean;
  'baseline-store': boolean;
  'baseline-branches': string[];
  'verify-suggestions': boolean;
  'verify-count': number;
  /** Seconds. */
  'verify-timeout': number;
}

function days(value: string): number | null {
  const v = value.trim();
  if (!v) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 90)
    throw new Error(`'retention-days' input must be a whole number of days from 1 to 90 but got '${value}'`);
  return n;
}

function verifyCount(value: string): number {
  const v = value.trim() || '1';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new Error(`'verify-count' input must be a whole number from 1 to 20 but got '${value}'`);
  return n;
}

function verifyTimeout(value: string): number {
  const seconds = parseDuration(value.trim() || '10m');
  if (seconds === null || seconds <= 0)
    throw new Error(`'verify-timeout' input must be a duration such as 10m, 90s or 1h but got '${value}'`);
  return seconds;
}

function bool(name: string, value: string, fallback: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new Error(`'${name}' input must be true or false but got '${value}'`);
}

/** Reads and checks the inputs; the mode is `analyze` when a log, build ref or metadata file is given. */
export function getInputs(get: (name: string) => string = (n) => core.getInput(n)): Inputs {
  const mode = get('mode').trim().toLowerCase() || 'auto';
  if (!['auto', 'run', 'analyze'].includes(mode))
    throw new Error(`'mode' input must be auto, run or analyze but got '${mode}'`);
  const analyzeGiven = Boolean(get('log-file') || get('build-ref') || get('metadata-file'));
  return {
    mode: mode === 'auto' ? (analyzeGiven ? 'analyze' : 'run') : (mode as Mode),
    context: get('context') || '.',
    file: get('file'),
    target: get('target'),
    'build-args': items(get('build-args'), 'build-args'),
    tags: list(get('tags')),
    platforms: list(get('platforms')),
    'cache-from': lines(get('cache-from')),
    'cache-to': lines(get('cache-to')),
    push: bool('push', get('push'), false),
    load: bool('load', get('load'), false),
    secrets: items(get('secrets'), 'secrets'),
    'extra-args': words(get('extra-args')),
    docker: get('docker') || 'docker',
    'log-file': get('log-file'),
    'build-ref': get('build-ref'),
    'metadata-file': get('metadata-file'),
    dockerfile: get('dockerfile'),
    'report-path': get('report-path'),
    'fail-on-build-error': bool('fail-on-build-error', get('fail-on-build-error'), true),
    'measure-sizes': bool('measure-sizes', get('measure-sizes'), true),
    'baseline-file': get('baseline-file'),
    'changed-files': get('changed-files'),
    'git-base': get('git-base'),
    'time-threshold': get('time-threshold'),
    'size-threshold': get('size-threshold'),
    'fail-on-regression': bool('fail-on-regression', get('fail-on-regression'), false),
    comment: commentMode(get('comment')),
    'report-id': get('report-id'),
    'github-token': get('github-token'),
    artifact: bool('artifact', get('artifact'), true),
    'artifact-name': get('artifact-name'),
    'retention-days': days(get('retention-days')),
    charts: bool('charts', get('charts'), true),
    'baseline-store': bool('baseline-store', get('baseline-store'), true),
    'baseline-branches': list(get('baseline-branches')),
    'verify-suggestions': bool('verify-suggestions', get('verify-suggestions'), false),
    'verify-count': verifyCount(get('verify-count')),
    'verify-timeout': verifyTimeout(get('verify-timeout')),
  };
}
