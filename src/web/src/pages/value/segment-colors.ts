/** Fixed colours per segment, so a segment looks the same in every chart. */
export const RFM_SEGMENT_COLORS: Record<string, string> = {
  champions: '#1d39c4',
  loyal: '#2f54eb',
  'potential-loyalists': '#597ef7',
  new: '#13c2c2',
  promising: '#36cfc9',
  'need-attention': '#faad14',
  'about-to-sleep': '#ffc53d',
  'at-risk': '#fa541c',
  'cant-lose': '#cf1322',
  hibernating: '#bfbfbf',
  lost: '#8c8c8c',
};

export const EIGHT_WAY_COLORS: Record<string, string> = {
  'important-value': '#1d39c4',
  'important-development': '#597ef7',
  'important-retention': '#fa8c16',
  'important-recall': '#cf1322',
  'general-value': '#36cfc9',
  'general-development': '#95de64',
  'general-retention': '#ffd666',
  'general-recall': '#bfbfbf',
};

export const TIER_COLORS: Record<string, string> = { platinum: '#722ed1', gold: '#faad14', iron: '#595959', lead: '#a8a8a8' };
