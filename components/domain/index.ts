// The domain vocabulary and the validators every part of the project shares.
export * from "./vocabulary";
export * from "./validators";
export * from "./redact";
export * from "./expiry";
export * from "./gate";
