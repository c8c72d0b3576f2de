export { readHeader } from "./header";
export { iosDriftTexts } from "./ios-config";
export { BGP_SPOKE_PEER_GROUP, FILE_NAMES, IPSEC_NAMES, TUNNEL_INTERFACE } from "./naming";
export { PLATFORM_TARGET, renderNetwork, renderSiteConfig } from "./render";
export { type RenderabilityIssue, renderabilityIssues } from "./renderability";
export {
  maskConfigFiles,
  maskedFilesHash,
  maskSecrets,
  maskSecretsInMessage,
  SECRET_MASK,
  secretValues,
} from "./secret-mask";
export { bgpTimersChanged } from "./session-changes";
export {
  RENDER_TARGETS,
  RenderError,
  type RenderedConfig,
  type RenderedFile,
  type RenderInput,
  type RenderTarget,
} from "./types";
export {
  formatVyosStatement,
  ownedVyosStatements,
  parseVyosLine,
  staleVyosDeletes,
  VYOS_COMMIT_CONFIRM_RELOAD,
  VYOS_COMMIT_REVISIONS,
  VYOS_EXCLUSIVE_SUBTREES,
  VYOS_OWNED_ENTRIES,
  type VyosStatement,
  vyosDeployCommands,
  vyosDriftTexts,
  vyosSetStatements,
  vyosUpToDate,
} from "./vyos-ownership";
