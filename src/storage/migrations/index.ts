import type { Migration } from './types.js';
import { foundation } from './0001-foundation.js';
import { analytics } from './0002-analytics.js';
import { loyalty } from './0003-loyalty.js';
import { voice } from './0004-voice.js';
import { predictions } from './0005-predictions.js';
import { actions } from './0006-actions.js';
import { customerList } from './0007-customer-list.js';

/** The one ordered list of migrations for both engines. Append only; never reorder or edit a released one. */
export const MIGRATIONS: readonly Migration[] = [foundation, analytics, loyalty, voice, predictions, actions, customerList];
