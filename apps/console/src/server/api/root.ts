import { agentsRouter } from "./routers/agents";
import { apiTokensRouter } from "./routers/api-tokens";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { demoRouter } from "./routers/demo";
import { deploymentsRouter } from "./routers/deployments";
import { diagnosticsRouter } from "./routers/diagnostics";
import { inventoryRouter } from "./routers/inventory";
import { networksRouter } from "./routers/networks";
import { sitesRouter } from "./routers/sites";
import { statusRouter } from "./routers/status";
import { topologyRouter } from "./routers/topology";
import { usersRouter } from "./routers/users";
import { webhooksRouter } from "./routers/webhooks";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  networks: networksRouter,
  sites: sitesRouter,
  inventory: inventoryRouter,
  audit: auditRouter,
  agents: agentsRouter,
  deployments: deploymentsRouter,
  status: statusRouter,
  diagnostics: diagnosticsRouter,
  apiTokens: apiTokensRouter,
  webhooks: webhooksRouter,
  topology: topologyRouter,
  demo: demoRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
