// Public entry of the PromQL engine: createEngine() and the types its callers use.
export { createEngine, pointColumns, type Engine, type EngineOptions, type EvaluateOptions, type EvaluateRequest } from './engine.ts';
