/** Loyalty API shapes (src/server/routes/loyalty.routes.ts; docs/loyalty.md). Money in minor units; bp = basis points (500 = 5%). */

export interface LoyaltyTier {
  id: number;
  code: string;
  name: string;
  rank: number;
  qualifyBy: 'spend' | 'points';
  threshold: number;
  earnRateBp: number;
  discountBp: number;
}

export interface Programme {
  id: number;
  code: string;
  name: string;
  status: 'active' | 'closed';
  pointValueMinor: number;
  earnRateBp: number;
  pointsExpiryDays: number | null;
  pointsSettlementBp: number;
  svSettlementBp: number;
  cardPrefix: string;
  tierWindowDays: number;
  referrerPoints: number;
  refereePoints: number;
  topupBonuses: { minPaidMinor: number; bonusMinor: number }[];
  venueIds: number[];
  tiers: LoyaltyTier[];
  createdAt: string;
}

export interface Balance {
  points: number;
  pointsValueMinor: number;
  svPaidMinor: number;
  svBonusMinor: number;
  svTotalMinor: number;
}

export interface Card {
  id: number;
  number: string;
  status: 'active' | 'frozen' | 'lost' | 'replaced';
  issuedAt: string;
  statusReason: string | null;
}

export interface Member {
  id: number;
  programme: { id: number; code: string; name: string };
  customer: { id: number; externalId: string; name: string | null; phone: string | null; referredBy: number | null };
  status: 'active' | 'closed';
  tier: { id: number; code: string; name: string; discountBp: number; earnRateBp: number } | null;
  tierSince: string | null;
  enrolledAt: string;
  cards: Card[];
  balance: Balance;
  expiring: { expiresDay: number; points: number }[];
  referralCode: string | null;
}

export interface Liability {
  programme: string;
  asOf: string;
  pointValueMinor: number;
  rows: { venueId: number | null; venueCode: string | null; age: string; points: number; pointsValueMinor: number; svPaidMinor: number; svBonusMinor: number }[];
  totals: { points: number; pointsValueMinor: number; svPaidMinor: number; svBonusMinor: number; totalMinor: number };
}

export interface Statement {
  memberId: number;
  programme: string;
  opening: { points: number; svMinor: number };
  closing: { points: number; svMinor: number };
  lines: {
    txnId: number;
    at: string;
    date: string;
    kind: string;
    venueId: number | null;
    reference: string | null;
    reason: string | null;
    actor: string;
    points: number;
    amountMinor: number;
    pointsBalance: number;
    svBalanceMinor: number;
  }[];
}

export interface Settlement {
  programme: string;
  from: string;
  to: string;
  pairs: {
    venueA: { id: number; code: string };
    venueB: { id: number; code: string };
    aOwesBPointsMinor: number;
    aOwesBStoredValueMinor: number;
    bOwesAPointsMinor: number;
    bOwesAStoredValueMinor: number;
    netAToBMinor: number;
    transactions: number;
  }[];
}
