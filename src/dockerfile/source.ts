import { readFile } from 'node:fs/promises';
import { parseDockerfile, type Dockerfile } from './parse.js';

/** A Dockerfile read once: its path as given, its text (suggestions are edits of it) and its parse. */
export interface DockerfileSource {
  path: string;
  text: string;
  parsed: Dockerfile;
}

export function dockerfileSource(path: string, text: string): DockerfileSource {
  return { path, text, parsed: parseDockerfile(text) };
}

/** Reads and parses a Dockerfile; null when it cannot be read. */
export async function loadDockerfile(path: string): Promise<DockerfileSource | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  return text === null ? null : dockerfileSource(path, text);
}
