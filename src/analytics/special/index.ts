export { lnGamma, gammaSign, lnBeta, digamma } from './log-gamma.js';
export { logAddExp, logSubExp, logSumExp, log1pExp, expm1OverX } from './log-sum-exp.js';
export { hyp2f1, hyp2f1Series, type Hyp2f1Options } from './hyp2f1.js';
