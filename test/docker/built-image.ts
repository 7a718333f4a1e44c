import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tripline/testing';

/** What the image test's global setup built, for the spec (which runs in another process). */
export interface BuiltImage {
  image: string;
  base: string;
  standIn: boolean;
  buildSeconds: number;
}

const STATE_FILE = path.join(REPO_ROOT, '.tripline/docker-test-image.json');

export function writeBuiltImage(state: BuiltImage): void {
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

export function builtImage(): BuiltImage {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as BuiltImage;
  } catch {
    throw new Error('no image built: run the image test with `npm run test:docker` (jest needs its globalSetup)');
  }
}
