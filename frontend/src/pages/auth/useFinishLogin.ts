import { useCallback } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useSession } from "../../session";
import { safeNext } from "./oauth";

/** Where a signed-in visitor goes (`?next=` when it is a path on this site) and the step that takes them there. */
export function useFinishLogin() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { refreshUser } = useSession();
  const next = safeNext(params.get("next"));
  const finish = useCallback(async () => {
    await refreshUser();
    navigate(next, { replace: true });
  }, [navigate, next, refreshUser]);
  return { next, finish };
}
