// A user as the admin routes return it (password and access token always come back empty).
import type { CurrentUser } from "../../session";

export type User = CurrentUser;

export const USER_ENABLED = 1;
export const USER_DISABLED = 2;
export const USER_DELETED = 3;

export type ManageAction = "promote" | "demote" | "enable" | "disable" | "delete";
