export { DEFAULTS, quantileScores, rfmAnalysis, rfmSegmentTable, rfmScoreRangeTable } from './rfm.js';
export type {
  RfmFrequency,
  RfmMonetary,
  RfmInput,
  RfmOptions,
  RfmCustomer,
  ScoreRange,
  RfmCell,
  SegmentSummary,
  RfmGridCell,
  RfmResult,
} from './rfm.js';
export {
  NAMED_SEGMENT_RULES,
  RFM_NAMED_SEGMENTS,
  EIGHT_WAY_SEGMENTS,
  fmScore,
  namedSegment,
  eightWaySegment,
} from './segments.js';
export type { NamedSegmentId, EightWaySegmentId, SegmentInfo, EightWaySegmentInfo } from './segments.js';
