export * from "./allocate";
export * from "./constants";
export * from "./document";
export * from "./ip";
export * from "./schemas";
export * from "./secrets";
export * from "./summaries";
export * from "./validate";
