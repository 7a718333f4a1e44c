const state = globalThis as { __tripImage?: { engine: { stop(): Promise<void> }; infra?: { stop(): Promise<void> } } };

/** Stops what the setup started (containers of the infra, a dockerd of its own); the spec removed its own containers. */
export default async function globalTeardown(): Promise<void> {
  const started = state.__tripImage;
  if (!started) return;
  state.__tripImage = undefined;
  try {
    await started.infra?.stop();
  } finally {
    await started.engine.stop();
  }
}
