// The public API of jetfit, and nothing else.
export { JetfitError } from './errors.js';
export { init } from './init.js';
export type { CoreInfo } from './runtime/core.js';
export type { CoreSource } from './runtime/load.js';
export { Mlp, ForwardPass } from './engine/mlp.js';
export type { MlpOptions, LayerParams, LayerParamsInput, Jets, BackwardOptions } from './engine/mlp.js';
export type { JetRequest, Cotangents } from './engine/jet-spec.js';
export type { Activation } from './engine/activation.js';
export { ACTIVATIONS } from './engine/activation.js';
export type { DType, Real, NumericArray } from './engine/dtype.js';
export type { Points } from './engine/points.js';
export type { Initializer } from './engine/init.js';
export { Random } from './data/random.js';
