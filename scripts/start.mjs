#!/usr/bin/env node
// npm start: install, migrate, build, serve. Data lives in ./data/dmvpn.db unless DATABASE_URL says otherwise.
import path from "node:path";
import { ensureAgentBuilt, ensureConsoleBuilt, ensureInstalled, root, run } from "./prepare.mjs";

ensureInstalled();
run(process.execPath, ["scripts/db.mjs", "migrate"]);
ensureConsoleBuilt();
ensureAgentBuilt();
run(process.execPath, [path.join(root, "apps/console/dist/server.js")], { env: { NODE_ENV: "production" } });
