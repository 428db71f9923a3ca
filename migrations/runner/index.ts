// The built-in runner alone, without the tool adapters (whose imports cost a cold start 0.3–0.5 s): the
// public entry for callers on a start-up path, such as a run's template build.
export { migrate, undo } from "./migrate.js";
export { preloadExecutor } from "./session.js";
