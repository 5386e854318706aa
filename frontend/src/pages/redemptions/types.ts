// A redemption code as /api/redemption returns it.
export interface Redemption {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  quota: number;
  created_time: number;
  redeemed_time: number;
}

export const REDEMPTION_ENABLED = 1;
export const REDEMPTION_DISABLED = 2;
export const REDEMPTION_USED = 3;
export const MAX_BATCH = 100;
export const MAX_NAME_LENGTH = 20;
