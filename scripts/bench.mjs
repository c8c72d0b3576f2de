#!/usr/bin/env node
// npm run bench: every workspace's own `bench` script, one after another; each prints its figures.
import { ensureInstalled, run } from "./prepare.mjs";

ensureInstalled();
run("npm", ["run", "bench", "--workspaces", "--if-present"]);
