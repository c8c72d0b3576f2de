export * from "./samples";
export * from "./test-console";
