import { type AgentToConsole, agentMessage, fitAgentMessage } from "@dmvpn/protocol";
import type { Logger } from "./log";

/**
 * Wraps a sender so that every message is cut to the protocol's text limits and validated with the console's
 * own schema first. A message that still fails is not sent as is (the console would refuse it and the deployment
 * would wait for a result that never comes): an apply result becomes a `failed` one naming the problem, anything
 * else an `error` message.
 */
export function safeSender(send: (m: AgentToConsole) => boolean, log: Logger): (m: AgentToConsole) => boolean {
  return (message) => {
    const fitted = fitAgentMessage(message);
    if (fitted.ok) return send(fitted.message);
    log("error", "an outgoing message does not fit the protocol", { error: fitted.error });
    const fallback =
      message.type === "apply-result"
        ? fitAgentMessage(
            agentMessage(
              "apply-result",
              {
                outcome: "failed",
                deploymentId: message.payload.deploymentId,
                contentHash: message.payload.contentHash,
                error: `the agent's result did not fit the protocol: ${fitted.error}`,
              },
              message.id,
            ),
          )
        : fitAgentMessage(
            agentMessage(
              "error",
              { code: "internal", message: `the agent could not send ${fitted.error}` },
              message.id,
            ),
          );
    return fallback.ok ? send(fallback.message) : false;
  };
}
