// The report's three forms from one EvaluationReport: HTML for people, Markdown for a pull request, JSON for machines.
export { buildReport, formatRate, regressions } from "./report";
export type { EvaluationReport, GateVerdict, ModelResult, ReportFile, ServiceFigures } from "./report";
export { renderHtml } from "./html";
export { renderMarkdown } from "./markdown";
export { renderJson, reportJson, type ReportJsonModel } from "./json";
