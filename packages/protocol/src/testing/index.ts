export * from "./hub-status";
export * from "./samples";
export * from "./test-console";
