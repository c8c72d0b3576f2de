export * from "./allocate";
export * from "./constants";
export * from "./ip";
export * from "./schemas";
export * from "./validate";
