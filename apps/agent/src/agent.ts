import { hostname as osHostname } from "node:os";
import { type AgentToConsole, agentMessage, type ConsoleToAgent } from "@dmvpn/protocol";
import { CommitConfirm, type StateStoreLike } from "./apply";
import type { BackoffOptions } from "./backoff";
import { ConsoleConnection } from "./connection";
import type { RouterDriver } from "./drivers/driver";
import { type Logger, silentLogger } from "./log";
import { safeSender } from "./safe-send";
import { StatusReporter } from "./status-reporter";
import { AGENT_VERSION } from "./version";

export interface AgentOptions {
  websocketUrl: string;
  siteId: string;
  credential: string;
  hostname?: string;
  driver: RouterDriver;
  store: StateStoreLike;
  statusIntervalMs: number;
  registrationGraceMs: number;
  backoff: BackoffOptions;
  tls?: { caFile?: string; fingerprint256?: string };
  log?: Logger;
}

/** One router agent: connection + commit-confirm + status reporting + diagnostics, around one driver. */
export class Agent {
  readonly connection: ConsoleConnection;
  readonly commitConfirm: CommitConfirm;
  readonly status: StatusReporter;
  private readonly log: Logger;

  constructor(private readonly options: AgentOptions) {
    this.log = options.log ?? silentLogger;
    const send = safeSender((m: AgentToConsole) => this.connection.send(m), this.log);
    this.connection = new ConsoleConnection({
      url: options.websocketUrl,
      backoff: options.backoff,
      tls: options.tls,
      log: this.log,
      hello: () => ({
        agentVersion: AGENT_VERSION,
        platform: options.driver.platform,
        hostname: options.hostname ?? osHostname(),
        siteId: options.siteId,
        credential: options.credential,
      }),
    });
    this.commitConfirm = new CommitConfirm({
      driver: options.driver,
      store: options.store,
      send,
      registrationGraceMs: options.registrationGraceMs,
      log: this.log,
      // the status reporter exists by the time anything is applied
      whileChanging: (fn) => this.status.pausedDuring(fn),
    });
    this.status = new StatusReporter({
      driver: options.driver,
      intervalMs: options.statusIntervalMs,
      send,
      onStatus: (s) => this.commitConfirm.observeStatus(s),
      reportUnchanged: () => this.commitConfirm.pending?.applied === true,
      // the console confirms a change only on a status collected after it: no slow-router back-off meanwhile
      hurry: () => this.commitConfirm.pending?.applied === true,
      log: this.log,
    });
    this.connection.on("ready", () => {
      void this.commitConfirm.flushOutbox();
      this.status.resync();
    });
    this.connection.on("down", () => this.status.disconnected());
    this.connection.on("message", (m) => void this.handle(m));
  }

  async start(): Promise<void> {
    await this.commitConfirm.init();
    this.status.start();
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
    this.status.stop();
    this.commitConfirm.dispose();
  }

  private async handle(msg: ConsoleToAgent): Promise<void> {
    const send = safeSender((m: AgentToConsole) => this.connection.send(m), this.log);
    try {
      switch (msg.type) {
        case "apply": {
          const result = await this.commitConfirm.handleApply(msg.payload);
          // (collection resumes with a fresh status as soon as the change is done)
          send(agentMessage("apply-result", result, msg.id));
          break;
        }
        case "confirm": {
          const r = await this.commitConfirm.handleConfirm(msg.payload.deploymentId);
          send(
            r.ok
              ? agentMessage("confirmed", { deploymentId: msg.payload.deploymentId }, msg.id)
              : agentMessage("error", { code: "unexpected-message", message: r.message, inReplyTo: msg.id }, msg.id),
          );
          break;
        }
        case "request-snapshot":
          this.status.resync();
          break;
        case "ping": {
          const p = await this.options.driver.ping(msg.payload.target, msg.payload.source, msg.payload.count);
          send(agentMessage("ping-result", { target: msg.payload.target, ...p }, msg.id));
          break;
        }
        case "show": {
          const r = await this.options.driver.show(msg.payload.commandId);
          send(
            agentMessage(
              "show-result",
              { commandId: msg.payload.commandId, ok: r.ok, output: r.output.slice(0, 500_000) },
              msg.id,
            ),
          );
          break;
        }
        case "error":
          this.log("warn", "console reported a protocol error", { code: msg.payload.code, error: msg.payload.message });
          break;
        default:
          break;
      }
    } catch (e) {
      this.log("error", "handling a console message failed", { type: msg.type, error: (e as Error).message });
      send(
        agentMessage(
          "error",
          { code: "internal", message: (e as Error).message.slice(0, 2000), inReplyTo: msg.id },
          msg.id,
        ),
      );
    }
  }
}
