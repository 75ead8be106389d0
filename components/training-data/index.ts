// Training data for Custom Speech: validate a dataset folder, package it deterministically, sync it to blob
// storage and record it in a manifest the Dataset resource consumes. `scripts/sync-training-data.ts` is the CLI.
export * from "./kinds";
export * from "./rules";
export * from "./dataset";
export * from "./validate";
export * from "./package";
export * from "./cache";
export * from "./upload";
export * from "./storage";
export * from "./manifest";
export * from "./sync";
export { readWavInfo, makeWav, WavHeaderError, type WavInfo } from "./wav";
