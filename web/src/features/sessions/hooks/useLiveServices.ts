import { useContext } from "react";
import { type LiveServices, LiveServicesContext } from "../live-services";

export function useLiveServices(): LiveServices {
  return useContext(LiveServicesContext);
}
