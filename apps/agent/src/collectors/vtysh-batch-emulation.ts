import type { CommandResult } from "../drivers/exec";

/**
 * For tests whose fake router answers one show command at a time: answers a batched `vtysh -E -c A -c B …` the way
 * the real vtysh 8.4 does (fixtures/vtysh-batch): `<prompt><command>` before each output, the commands in order,
 * and a stop with exit status 1 at the first command that fails. Other argv go to `single` unchanged.
 */
export function emulateVtyshBatch(
  argv: string[],
  single: (argv: string[]) => Partial<CommandResult>,
): Partial<CommandResult> {
  const commands = argv.flatMap((a, i) => (argv[i - 1] === "-c" ? [a] : []));
  if (!argv.includes("-E") || commands.length === 0) return single(argv);
  const prefix = argv.slice(0, argv.indexOf("-E"));
  let stdout = "";
  for (const command of commands) {
    const r = single([...prefix, "-c", command]);
    stdout += `router# ${command}\n${r.stdout ?? ""}`;
    if (stdout && !stdout.endsWith("\n")) stdout += "\n";
    if ((r.exitCode ?? 0) !== 0) return { stdout, stderr: r.stderr ?? "", exitCode: 1 };
  }
  return { stdout, stderr: "", exitCode: 0 };
}
