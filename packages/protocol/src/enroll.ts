import { z } from "zod";
import { AgentPlatform } from "./common";

/** POST <console>/api/agent/enroll — the one request an agent makes before it has a credential. */
export const ENROLL_PATH = "/api/agent/enroll";

export const EnrollRequest = z.object({
  /** one-time enrolment token; the agent never stores it */
  token: z.string().min(16).max(512),
  hostname: z.string().min(1).max(253),
  platform: AgentPlatform,
  agentVersion: z.string().min(1).max(64),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  siteId: z.string().min(1).max(128),
  /** long-lived secret the agent presents in `hello` */
  credential: z.string().min(16).max(512),
  websocketUrl: z.url({ protocol: /^wss?$/ }),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** Body of any non-2xx reply from the enrol endpoint. */
export const EnrollError = z.object({ error: z.string().max(1000) });
export type EnrollError = z.infer<typeof EnrollError>;
