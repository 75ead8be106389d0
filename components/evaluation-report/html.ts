// The report for people: one self-contained HTML file (inline CSS and script; audio embedded as data: URIs; no
// request of any kind), that opens from disk and as a CI artifact. Every text is escaped: file names and
// transcripts are user data.
import type { AlignedWord } from "./alignment";
import { formatRate, type EvaluationReport, type ModelResult, type ReportFile, type ServiceFigures } from "./report";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const OP_CLASS = { correct: "c", substitution: "s", deletion: "d", insertion: "i" } as const;
const OP_TITLE = { correct: "", substitution: "substitution", deletion: "deletion", insertion: "insertion" } as const;

function word(s: AlignedWord, differs: boolean): string {
  const text = s.op === "deletion" ? s.ref! : s.hyp!;
  const title = s.op === "substitution" ? `substitution: expected “${s.ref}”` : OP_TITLE[s.op];
  return `<span class="w ${OP_CLASS[s.op]}${differs ? " x" : ""}"${title ? ` title="${esc(title)}"` : ""}>${esc(text)}</span>`;
}

function line(label: string, m: ModelResult | undefined): string {
  const words = m ? m.aligned.map((s, k) => word(s, m.differs[k])).join(" ") : `<span class="none">nothing heard</span>`;
  return `<div class="line"><span class="who">${label}</span><span class="words">${words}</span></div>`;
}

const rateCell = (v: number | undefined): string => `<td class="num">${formatRate(v)}</td>`;
const dataNum = (v: number | undefined): string => (v === undefined ? "" : String(v));

function row(f: ReportFile, hasReferences: boolean): string {
  const errors = hasReferences
    ? [f.model1, f.model2].reduce((n, m) => n + (m ? m.substitutions + m.deletions + m.insertions : 0), 0)
    : [f.model1, f.model2].reduce((n, m) => n + (m ? m.differs.filter(Boolean).length : 0), 0);
  const audio =
    f.audio && "bytes" in f.audio
      ? `<audio controls preload="auto" src="data:${esc(f.audio.mimeType)};base64,${f.audio.bytes.toString("base64")}"></audio>`
      : `<span class="omitted">${esc(f.audio && "omitted" in f.audio ? `audio left out: ${f.audio.omitted}` : "no audio")}</span>`;
  const ref = f.reference !== undefined ? `<div class="line ref"><span class="who">reference</span><span class="words">${esc(f.reference)}</span></div>` : "";
  return [
    `<tr class="file" data-name="${esc(f.name)}" data-wer1="${dataNum(f.model1?.wordErrorRate)}" data-wer2="${dataNum(f.model2?.wordErrorRate)}" data-delta="${dataNum(f.wordErrorRateDelta)}" data-errors="${errors}">`,
    `<td class="name"><div>${esc(f.name)}</div>${audio}</td>`,
    ...(hasReferences ? [rateCell(f.model1?.wordErrorRate), rateCell(f.model2?.wordErrorRate), `<td class="num delta">${f.wordErrorRateDelta === undefined ? "–" : `${f.wordErrorRateDelta > 0 ? "+" : ""}${formatRate(f.wordErrorRateDelta)}`}</td>`] : []),
    `<td class="texts">${ref}${line("model 1", f.model1)}${line("model 2", f.model2)}</td>`,
    "</tr>",
  ].join("");
}

function figures(label: string, name: string, f: ServiceFigures): string {
  const v = (n: number | undefined): string => (n === undefined ? "–" : String(n));
  const tokens = f.tokenErrors
    ? Object.entries(f.tokenErrors)
        .map(([k, e]) => `${esc(k)} ${v(e?.numberOfEdits)}`)
        .join(", ")
    : "–";
  return [
    `<tr><th scope="row">${label}<div class="sub">${esc(name)}</div></th>`,
    `<td class="num" data-figure="${label === "Model 1" ? "wer1" : "wer2"}">${formatRate(f.wordErrorRate)}</td>`,
    `<td class="num">${formatRate(f.sentenceErrorRate)}</td>`,
    `<td class="num">${v(f.wordCount)}</td><td class="num">${v(f.correctWordCount)}</td><td class="num">${v(f.wordSubstitutionCount)}</td>`,
    `<td class="num">${v(f.wordDeletionCount)}</td><td class="num">${v(f.wordInsertionCount)}</td><td>${tokens}</td></tr>`,
  ].join("");
}

function verdict(r: EvaluationReport): string {
  const g = r.gate;
  const limits = [
    g.maxWordErrorRate !== undefined && `WER at most ${g.maxWordErrorRate} %`,
    g.minWordErrorRateImprovement !== undefined && `at least ${g.minWordErrorRateImprovement} points better than the baseline`,
  ].filter(Boolean) as string[];
  if (limits.length === 0) return `<p class="verdict none" data-verdict="none">No gate applied.</p>`;
  const rule = esc(limits.join(", "));
  if (g.passed === true) return `<p class="verdict pass" data-verdict="passed">Gate passed (${rule}).</p>`;
  if (g.passed === false) return `<p class="verdict fail" data-verdict="failed">Gate failed (${rule}): ${esc(g.failures.join("; "))}.</p>`;
  return `<p class="verdict none" data-verdict="undecided">Gate not decided (${rule}): the service gave no WER.</p>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.35rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}.meta,.sub{color:#555;font-size:.85rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.verdict{font-weight:600;padding:.4rem .6rem;border-radius:4px;display:inline-block}
.pass{background:#e3f4e1;color:#1d5e17}.fail{background:#fbe3e1;color:#8a1c12}.none{background:#eee}
.controls{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ccc;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;z-index:1}
.controls fieldset{border:1px solid #ccc;border-radius:4px;padding:.2rem .6rem}.controls button[aria-pressed=true]{font-weight:700}
.line{display:flex;gap:.5rem}.who{flex:0 0 5.5rem;color:#666;font-size:.8rem;padding-top:.1rem}.words{flex:1}
.ref .words{color:#333}.w{padding:0 .1rem;border-radius:2px}.omitted,.none{color:#777;font-style:italic}
body.mark-s .w.s{background:#ffe08a}body.mark-d .w.d{background:#ffc9c2;text-decoration:line-through}
body.mark-i .w.i{background:#c9ddff;text-decoration:underline}.w.x{outline:2px solid #8a3ffc;outline-offset:-1px}
td.name div{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}audio{width:14rem;height:2rem;margin-top:.3rem}
tr.hidden{display:none}.delta{font-weight:600}ul.notes{color:#5a4a00}`;

// Sorting and filtering over data-* attributes; marks are classes on <body> that the CSS keys on.
const SCRIPT = `
(function(){
  var body=document.body, tbody=document.querySelector('#files tbody');
  ['s','d','i'].forEach(function(k){var c=document.getElementById('mark-'+k);c.addEventListener('change',function(){body.classList.toggle('mark-'+k,c.checked);});});
  var dir={};
  function num(tr,key){var v=tr.getAttribute('data-'+key);return v===''||v===null?-Infinity:parseFloat(v);}
  Array.prototype.forEach.call(document.querySelectorAll('button[data-sort]'),function(b){
    b.addEventListener('click',function(){
      var key=b.getAttribute('data-sort');dir[key]=dir[key]===-1?1:-1;
      var rows=Array.prototype.slice.call(tbody.querySelectorAll('tr.file'));
      rows.sort(function(x,y){var d=(num(x,key)-num(y,key))*dir[key];if(d===0||isNaN(d)){return x.getAttribute('data-name')<y.getAttribute('data-name')?-1:1;}return d;});
      rows.forEach(function(r){tbody.appendChild(r);});
      Array.prototype.forEach.call(document.querySelectorAll('button[data-sort]'),function(o){o.setAttribute('aria-pressed',String(o===b));});
      body.setAttribute('data-sorted',key+(dir[key]===-1?':desc':':asc'));
    });
  });
  var reg=document.getElementById('filter-regressions'), err=document.getElementById('filter-errors');
  function filter(){
    var shown=0;
    Array.prototype.forEach.call(tbody.querySelectorAll('tr.file'),function(r){
      var hide=(reg&&reg.checked&&!(num(r,'delta')>0))||(err.checked&&!(num(r,'errors')>0));
      r.classList.toggle('hidden',hide);if(!hide)shown++;
    });
    document.getElementById('shown').textContent=String(shown);
  }
  if(reg)reg.addEventListener('change',filter);err.addEventListener('change',filter);
})();`;

export function renderHtml(r: EvaluationReport): string {
  const title = `Evaluation ${r.evaluation.displayName} (${r.evaluation.locale})`;
  const refs = r.hasReferences;
  const ours = (m: EvaluationReport["computed"]["model1"]): string =>
    `${formatRate(m.wordErrorRate)} (${m.words} words: ${m.correct} correct, ${m.substitutions} S, ${m.deletions} D, ${m.insertions} I)`;
  const summary = refs
    ? [
        `<table class="summary" id="summary"><thead><tr><th></th><th class="num">WER</th><th class="num">Sentence error rate</th><th class="num">Words</th><th class="num">Correct</th><th class="num">Substitutions</th><th class="num">Deletions</th><th class="num">Insertions</th><th>Token errors</th></tr></thead><tbody>`,
        figures("Model 1", `baseline: ${r.models.model1.name}`, r.service.model1),
        figures("Model 2", `candidate: ${r.models.model2.name}`, r.service.model2),
        `</tbody></table>`,
        `<p>Improvement: <strong data-figure="improvement">${r.service.improvementPoints === undefined ? "–" : `${r.service.improvementPoints} points`}</strong> (model 1's WER minus model 2's, as the service reported them).</p>`,
        verdict(r),
        `<p class="meta">These totals are the service's. Per-file figures are computed by this report from the aligned words (${esc(r.alignmentRule)}); summed over the files they give model 1 ${ours(r.computed.model1)} and model 2 ${ours(r.computed.model2)}.</p>`,
      ].join("\n")
    : `<p id="summary">Audio-only test set: no references, so no WER. The two models' transcripts are shown side by side; words where they differ are outlined.</p>`;
  const sources = `<p class="meta">Sources: what the models heard from ${esc(r.sources.hypotheses)}; references from ${esc(r.sources.references)}; audio from ${esc(r.sources.audio)}.</p>`;
  const notes = r.notes.length ? `<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  const controls = [
    `<div class="controls" role="region" aria-label="Marks, sorting and filters">`,
    `<fieldset><legend>Mark</legend><label><input type="checkbox" id="mark-s" checked> substitutions</label> <label><input type="checkbox" id="mark-d" checked> deletions</label> <label><input type="checkbox" id="mark-i" checked> insertions</label></fieldset>`,
    refs
      ? `<fieldset><legend>Sort (worst first; again to reverse)</legend><button type="button" data-sort="wer1" aria-pressed="false">WER model 1</button> <button type="button" data-sort="wer2" aria-pressed="false">WER model 2</button> <button type="button" data-sort="delta" aria-pressed="false">Difference</button></fieldset>`
      : `<fieldset><legend>Sort</legend><button type="button" data-sort="errors" aria-pressed="false">Most differences</button></fieldset>`,
    `<fieldset><legend>Show</legend>${refs ? `<label><input type="checkbox" id="filter-regressions"> regressions only</label> ` : ""}<label><input type="checkbox" id="filter-errors"> ${refs ? "errors only" : "differences only"}</label> <span class="meta"><span id="shown">${r.files.length}</span> of ${r.files.length} files</span></fieldset>`,
    `<span class="meta">Outlined: words where the two models differ.</span>`,
    `</div>`,
  ].join("");
  const head = refs ? `<th scope="col">Audio file</th><th scope="col" class="num">WER 1</th><th scope="col" class="num">WER 2</th><th scope="col" class="num">Difference</th><th scope="col">Reference, model 1, model 2</th>` : `<th scope="col">Audio file</th><th scope="col">Model 1, model 2</th>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; media-src data:; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body class="mark-s mark-d mark-i">
<h1>${esc(title)}</h1>
<p class="meta">Evaluation ${esc(r.evaluation.id)}${r.evaluation.status ? `, ${esc(r.evaluation.status)}` : ""}${r.evaluation.createdDateTime ? `, created ${esc(r.evaluation.createdDateTime)}` : ""}; test dataset ${esc(r.dataset.name)}; ${r.files.length} audio files.</p>
<h2>Summary</h2>
${summary}
${sources}
${notes}
<h2>Audio files</h2>
${controls}
<table id="files"><thead><tr>${head}</tr></thead><tbody>
${r.files.map((f) => row(f, refs)).join("\n")}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
