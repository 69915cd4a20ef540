export { nelderMead, NELDER_MEAD_DEFAULTS, type Objective, type NelderMeadOptions, type MinimizeResult } from './nelder-mead.js';
export { numericHessian, cholesky, invertSpd, logScaleStandardErrors, type StandardErrors } from './hessian.js';
export { lbfgs, hessianFromGradient, LBFGS_DEFAULTS, type ValueAndGradient, type LbfgsOptions } from './lbfgs.js';
