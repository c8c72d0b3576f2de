import { Command } from "commander";
import { addRenderCommand } from "./commands/render";
import { addValidateCommand } from "./commands/validate";
import {
  addConfigCommand,
  addDeployCommand,
  addDeploymentsCommand,
  addInventoryCommand,
  addSitesCommand,
} from "./remote/commands";

const program = new Command()
  .name("dmvpn")
  .description(
    "DMVPN Console command line: check inventories and render router configs locally, or work with a console",
  )
  .showHelpAfterError();
addValidateCommand(program);
addRenderCommand(program);
addSitesCommand(program);
addInventoryCommand(program);
addConfigCommand(program);
addDeployCommand(program);
addDeploymentsCommand(program);

await program.parseAsync(process.argv);
