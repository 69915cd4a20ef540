/** Codes for campaign input the analytics cannot use; callers map them to 4xx / exit codes. */
export type CampaignErrorCode = 'EMPTY_INPUT' | 'DUPLICATE_CUSTOMER' | 'INVALID_FRACTION' | 'INVALID_OUTCOME' | 'INVALID_OPTION' | 'TOO_FEW_CUSTOMERS';

export class CampaignError extends Error {
  override readonly name = 'CampaignError';
  constructor(
    readonly code: CampaignErrorCode,
    message: string,
  ) {
    super(message);
  }
}
