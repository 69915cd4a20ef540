/** Voice of the customer: surveys, links, responses, metrics, journeys, complaint cases and recovery (docs/voice.md). */
export { DEFAULTS } from './defaults.js';
export * from './survey-spec.js';
export * from './surveys.js';
export { parseAnswers, formToAnswers, type ParsedAnswer, type AnswerIssue, type RawAnswers } from './answers.js';
export { linkPath, signLinkToken, verifyLinkToken } from './links.js';
export * from './responses.js';
export { dispatchSurveys, type DispatchResult, type TriggerRun } from './dispatch.js';
export * from './metrics.js';
export * from './journeys.js';
export * from './cases.js';
export * from './sla.js';
export { LOYALTY_LEDGER, type CompensationLedger, type LedgerCredit } from './compensation-ledger.js';
export * from './outcomes.js';
export { customerVoiceSignals, type CustomerVoiceSignal, type VoiceSignalOptions } from './signals.js';
export { escapeHtml, renderForm, renderProblem, renderThanks } from './render.js';
export { csvCell, exportResponsesCsv, listResponses, type ResponseView } from './exports.js';
