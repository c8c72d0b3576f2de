import type { AgentToConsole, ConsoleToAgent } from "@dmvpn/protocol";
import type { AgentGateway } from "./gateway";

/**
 * Sends `message` with request id `id` to a site's agent and resolves with the agent's reply carrying the same id.
 * Shared by the in-process gateway and the cluster's link (which sends through another instance when needed).
 */
export function requestReply(
  link: Pick<AgentGateway, "onMessage" | "send">,
  siteId: string,
  message: ConsoleToAgent,
  id: string,
  timeoutMs: number,
): Promise<AgentToConsole> {
  return new Promise((resolve, reject) => {
    const off = link.onMessage((from, reply) => {
      if (from === siteId && reply.id === id) {
        clearTimeout(timer);
        off();
        resolve(reply);
      }
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error("the agent did not answer in time"));
    }, timeoutMs);
    if (!link.send(siteId, { ...message, id })) {
      clearTimeout(timer);
      off();
      reject(new Error("the agent is not connected"));
    }
  });
}
