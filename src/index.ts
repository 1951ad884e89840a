// The public API of jetfit, and nothing else.
export { JetfitError } from './base/errors.js';
export { init } from './init.js';
export { memoryUsage } from './runtime/core.js';
export { limits, setLimits, DEFAULT_MAX_BYTES, type Limits } from './base/limits.js';
export type { CoreInfo, MemoryUsage } from './runtime/core.js';
export type { CoreSource } from './runtime/load.js';
export type { InitOptions } from './runtime/init-options.js';
export { Mlp } from './engine/mlp.js';
export { ForwardPass, type BackwardOptions } from './engine/forward-pass.js';
export type { MlpOptions, MlpJSON } from './engine/mlp-options.js';
export type { LayerParams, LayerParamsInput } from './engine/parameter-store.js';
export type { Jets } from './engine/jet-layout.js';
export type { JetRequest, Cotangents } from './engine/jet-spec.js';
export type { Activation } from './engine/activation.js';
export { ACTIVATIONS } from './engine/activation.js';
export type { DType, Real, NumericArray } from './base/dtype.js';
export type { Points } from './base/points.js';
export type { Initializer } from './engine/init.js';
export { Random } from './base/random.js';
export { Field, Loss, Parameter, parameter, mean, sum, mse, mae, huber } from './fields/field.js';
export type { FieldLike } from './fields/field.js';
export { fit } from './train/fit.js';
export type {
  FitOptions,
  PhaseOptions,
  History,
  PhaseRecord,
  StepInfo,
  StopReason,
  EarlyStoppingOptions,
  TrainingState,
} from './train/fit.js';
export type { LossContext, LossFunction, TermOptions } from './train/term.js';
export type { MetricOptions, MetricRecord } from './train/metrics.js';
export type { OptimizerSpec, OptimizerType } from './optimizers/registry.js';
export type { SgdOptions } from './optimizers/sgd.js';
export type { AdamOptions } from './optimizers/adam.js';
export type { LbfgsOptions } from './optimizers/lbfgs.js';
export type { DenseQuasiNewtonOptions } from './optimizers/dense-quasi-newton.js';
export type { LevenbergMarquardtOptions } from './optimizers/lm-options.js';
export type { PointSampler, ResampleOptions, ResampleState } from './train/resample.js';
export type { ScheduleSpec } from './train/schedule.js';
export type { TermData } from './data/dataset.js';
export { Geometry } from './geometry/geometry.js';
export type { Point, SampleOptions } from './geometry/geometry.js';
export type { Sampling } from './geometry/sequences.js';
export { sobol, halton, hammersley } from './geometry/sequences.js';
export { Box, Interval, Rectangle } from './geometry/box.js';
export { Ball, Disk } from './geometry/ball.js';
export { Polygon } from './geometry/polygon.js';
export { union, intersection, difference } from './geometry/csg.js';
export { SpaceTime } from './geometry/space-time.js';
export { evaluateField } from './fields/evaluate-field.js';
export type { FieldArguments } from './fields/evaluate-field.js';
export { lineChart } from './plot/line-chart.js';
export type { Series, Panel, ChartOptions } from './plot/line-chart.js';
export { heatMap } from './plot/heat-map.js';
export type { HeatMapData } from './plot/heat-map.js';
export { plotHistory } from './plot/history-plot.js';
export { dirichlet, neumann, robin, periodic, initial, observations } from './pde/conditions.js';
export type { ConditionOptions, PointValue } from './pde/conditions.js';
export { problem } from './pde/problem.js';
export type { ProblemOptions, Problem } from './pde/problem.js';
export { outputMap, OutputMap } from './fields/output-map.js';
export type { OutputMapArguments } from './fields/output-map.js';
export type { OutputTransform } from './engine/output-transform.js';
export { inputMap, scaleInputs, fourierFeatures, InputMap, type FourierFeatureOptions } from './fields/input-map.js';
export type { InputMapArguments } from './fields/input-map.js';
export type { InputTransform } from './engine/input-transform.js';
export { distanceField } from './pde/distance.js';
