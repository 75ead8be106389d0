// The evaluation report's data side (package entry `pulumi-custom-speech/evaluation-report`): sclite word alignment,
// the inputs a report is made from, and collecting them from the Speech service (or a stack export).
export * from "./alignment";
export type * from "./inputs";
export * from "./collect";
export * from "./stack-export";
export * from "./render";
export * from "./write";
