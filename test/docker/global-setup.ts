import { provisionInfra, REPO_ROOT } from '@tripline/testing';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { baseImage } from './base-image';
import { dockerStreaming } from './docker-cli';
import { dockerEngine, type DockerEngine } from './docker-engine';
import { writeBuiltImage } from './built-image';

export const IMAGE = 'tripline-test/tripline:latest';

const state = globalThis as { __tripImage?: { engine: DockerEngine; infra?: { stop(): Promise<void> } } };

/**
 * A Docker engine (the running one, or dockerd started here), the base image (official, or a
 * stand-in built here where no registry answers), the repo's Dockerfile built on it, and the
 * broker and Postgres the containers reach over the host's network.
 */
export default async function globalSetup(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`\n[image] ${msg}\n`);
  const logDir = path.join(REPO_ROOT, '.tripline/test-logs');
  mkdirSync(logDir, { recursive: true });
  const engine = await dockerEngine(logDir, log);
  state.__tripImage = { engine };
  try {
    const base = await baseImage(log);
    log(`base image: ${base.image}, because ${base.reason}`);
    log(`building ${IMAGE} from the Dockerfile (host network)...`);
    const started = Date.now();
    await dockerStreaming(
      ['build', '--network', 'host', '--build-arg', `NODE_IMAGE=${base.image}`, '--tag', IMAGE, REPO_ROOT],
      (line) => /^(Step \d+\/\d+|#\d+ \[)/.test(line) && log(line), // the classic builder's steps, or BuildKit's
    );
    const buildSeconds = Math.round((Date.now() - started) / 1000);
    log(`built ${IMAGE} in ${buildSeconds} s`);
    writeBuiltImage({ image: IMAGE, base: base.image, standIn: base.standIn, buildSeconds });
    state.__tripImage.infra = await provisionInfra(log);
  } catch (error) {
    await engine.stop();
    state.__tripImage = undefined;
    throw error;
  }
}
