import type { ApiClient } from "../api/client";
import { useAuth } from "./useAuth";

/** The signed-in api client, for feature hooks. */
export function useApi(): ApiClient {
  return useAuth().api;
}
