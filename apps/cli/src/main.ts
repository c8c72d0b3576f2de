import { Command } from "commander";
import { addRenderCommand } from "./commands/render";
import { addValidateCommand } from "./commands/validate";

const program = new Command()
  .name("dmvpn")
  .description("DMVPN Console command line: check inventories and render router configs")
  .showHelpAfterError();
addValidateCommand(program);
addRenderCommand(program);

await program.parseAsync(process.argv);
