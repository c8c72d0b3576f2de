import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { inventoryRouter } from "./routers/inventory";
import { networksRouter } from "./routers/networks";
import { sitesRouter } from "./routers/sites";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  networks: networksRouter,
  sites: sitesRouter,
  inventory: inventoryRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
