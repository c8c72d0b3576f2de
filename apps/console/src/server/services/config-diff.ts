import type { ConfigFile, ConfigTarget } from "@dmvpn/protocol";
import { FILE_NAMES, iosDriftTexts, maskConfigFiles, maskSecrets, secretValues, vyosDriftTexts } from "@dmvpn/render";
import { createTwoFilesPatch } from "diff";

/** Unified diff between two sets of config files, file by file; empty when they are equal. */
export function diffConfigFiles(
  before: ConfigFile[],
  after: ConfigFile[],
  labels = { before: "a", after: "b" },
): string {
  const names = [...new Set([...before.map((f) => f.name), ...after.map((f) => f.name)])];
  const old = new Map(before.map((f) => [f.name, f.content]));
  const now = new Map(after.map((f) => [f.name, f.content]));
  return names
    .filter((n) => old.get(n) !== now.get(n))
    .map((n) =>
      createTwoFilesPatch(
        old.has(n) ? `${labels.before}/${n}` : "/dev/null",
        now.has(n) ? `${labels.after}/${n}` : "/dev/null",
        old.get(n) ?? "",
        now.get(n) ?? "",
        undefined,
        undefined,
        { context: 3 },
      ),
    )
    .join("");
}

/** First line of a masked diff whose sides differ in secret values, which the masking would otherwise hide. */
export const SECRETS_CHANGED_NOTE = "# secret values changed (hidden)";

const secretsByFile = (files: ConfigFile[]) =>
  JSON.stringify(
    files.map((f) => [f.name, secretValues(f.content)]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

/**
 * The diff everyone but an admin who asked for the keys sees: both sides masked by position (so a revision
 * rendered with an older key is masked too), and a note when the hidden values differ.
 */
export function diffMaskedConfigFiles(before: ConfigFile[], after: ConfigFile[], labels = { before: "a", after: "b" }) {
  const diff = diffConfigFiles(maskConfigFiles(before), maskConfigFiles(after), labels);
  return secretsByFile(before) === secretsByFile(after) ? diff : `${SECRETS_CHANGED_NOTE}\n${diff}`;
}

/** Drift (see driftDiff) with both sides masked: the deployed files and the router's running config. */
export function diffMaskedRunning(
  target: ConfigTarget | string,
  deployed: ConfigFile[],
  running: string,
  labels: { before: string; after: string },
  normalise?: (text: string) => string,
) {
  return driftDiff(target, maskConfigFiles(deployed), maskSecrets(running), labels, normalise);
}

/** The single-text form used when an agent reports its running config (`show running-config`). */
export function joinConfigFiles(files: ConfigFile[]): string {
  return files.map((f) => `# ${f.name}\n${f.content}`).join("\n");
}

export function diffTexts(before: string, after: string, labels: { before: string; after: string }): string {
  if (before === after) return "";
  return createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, { context: 3 });
}

/**
 * Drift: the deployed revision against the running config the agent reports. On VyOS that is
 * `show configuration commands`, of which only what the console owns is compared (vyos-ownership), both sides in
 * one spelling and order, so a difference is a real one; on IOS the same for `show running-config`
 * (ios-config); elsewhere the texts are compared as they are.
 */
export function driftDiff(
  target: ConfigTarget | string,
  deployed: ConfigFile[],
  running: string,
  labels: { before: string; after: string },
  normalise: (text: string) => string = (text) => text,
): string {
  if (target === "vyos-1.4" || target === "vyos-1.5") {
    const commands = deployed.find((f) => f.name === FILE_NAMES.vyos)?.content ?? "";
    const texts = vyosDriftTexts(commands, running);
    return diffTexts(texts.deployed, texts.running, labels);
  }
  if (target === "cisco-ios") {
    const config = deployed.find((f) => f.name === FILE_NAMES.ios)?.content ?? "";
    const texts = iosDriftTexts(config, running);
    return diffTexts(texts.deployed, texts.running, labels);
  }
  return diffTexts(normalise(joinConfigFiles(deployed)), normalise(running), labels);
}
