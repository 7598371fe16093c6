#!/usr/bin/env node
import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{K as E,L as F,f as b,h as y,l as x,m as i,t as w,w as k,y as m,z as S}from"./chunk-5LJKUXTR.js";import{g as p,j as $}from"./chunk-2SMFH7CO.js";import"./chunk-MJ632ZJM.js";import{createReadStream as M}from"node:fs";import{access as N}from"node:fs/promises";import{parseArgs as L}from"node:util";import{readFile as z}from"node:fs/promises";import{dirname as A}from"node:path";async function R(r,t={}){let e=await z(r,"utf8"),o=b(e),l=w(k(""),{dockerfile:{path:r,parsed:o,text:e}}),n=await y(l,{file:r,text:e,dockerfile:o,contextDir:t.context??A(r)});return{file:r,suggestions:n}}function j(r){let t=[];return r.suggestions.forEach((e,o)=>{let l=e.also?.length?` + ${e.also.map(n=>n.rule).join(", ")}`:"";t.push(`${o+1}. [${e.rule}${l}] ${e.title} (${e.file}, lines ${e.lines.start}-${e.lines.end})`),t.push(`   ${p($(e),200)}`),t.push(`   ${p(e.why,400)}`);for(let n of e.diff.trimEnd().split(`
`))t.push(`   ${n}`);t.push("")}),t.length?`${t.join(`
`)}
`:""}function I(r){let t=[];for(let e of r.suggestions){let o=`${m(p(e.file,60))} lines ${e.lines.start}\u2013${e.lines.end}`;t.push(`**${m(p(e.title,100))}** (\`${e.rule}\`${e.also?.length?` + ${e.also.map(l=>`\`${l.rule}\``).join(", ")}`:""}, ${o} \xB7 ${m($(e))})`,"",m(p(e.why,400)),"",S(e.diff,"diff"),"")}return t.length?`${t.join(`
`)}
`:""}function O(r){let t=r.suggestions.length;return t?`${r.file}: ${t} suggestion(s) (rules of thumb: no build log)`:`${r.file}: no suggestions`}var P=`Usage: ${i} analyze <log|-> [options]
       ${i} suggest <Dockerfile>... [--context DIR] [--format text|md|json] [--check]

analyze: reads a BuildKit progress log (plain or rawjson; '-' for stdin) and prints the cache analysis.
suggest: runs the suggestion rules on a Dockerfile without a build (rules of thumb) and prints their diffs;
         with --check, exits 1 when any fires (for pre-commit hooks and CI linting).

Options:
  --format text|md|json     output format (default text)
  --dockerfile PATH         tie steps to Dockerfile lines; rebuild the step graph from it
  --context DIR             build context, for matching changed files to COPY (default: the Dockerfile's folder)
  --changed-files LIST      changed files (comma/newline separated, or @FILE) that set misses off
  --git-base REF            take the changed files from git: merge base of REF to the working tree
  --baseline FILE           a report of an earlier build (--format json) to compare with
  --time-threshold T        time regression past T, e.g. "20%,5s" (default)
  --size-threshold S        size regression past S, e.g. "5%,1MB" (default)
  --fail-on-regression      exit 1 when the comparison finds a regression
  --out DIR                 also write the report's files there: report.json, report.md, a
                            self-contained report.html, and charts/*.svg and *.png
  --no-charts               with --out: skip the charts

Exit codes: 0 analysed, 1 analysed but incomplete, the build failed, or (with --fail-on-regression) a
regression, or (suggest --check) a suggestion; 2 bad usage or unreadable input.`,C=["text","md","json"];async function D(r,t){let e,o;try{({values:e,positionals:o}=L({args:r,allowPositionals:!0,options:{format:{type:"string",short:"f"},dockerfile:{type:"string"},context:{type:"string"},"changed-files":{type:"string"},"git-base":{type:"string"},baseline:{type:"string"},"time-threshold":{type:"string"},"size-threshold":{type:"string"},"fail-on-regression":{type:"boolean"},out:{type:"string"},"no-charts":{type:"boolean"},check:{type:"boolean"},help:{type:"boolean",short:"h"},version:{type:"boolean"}}}))}catch(a){return g(t,a.message)}if(e.version)return t.stdout(`${x}
`),0;if(e.help)return t.stdout(`${P}
`),0;let[l,n,...f]=o;if(l==="suggest")return B(n,f,e,t);if(e.check)return g(t,"'--check' is an option of 'suggest'");if(l!=="analyze")return g(t,l?`unknown command '${l}'`:"missing command");if(!n)return g(t,"missing the log file (a path, or '-' for stdin)");if(f.length)return g(t,`unexpected argument '${f[0]}'`);let h=e.format??"text";if(!C.includes(h))return g(t,`'--format' must be text, md or json but got '${e.format}'`);try{n!=="-"&&await N(n)}catch{return t.stderr(`${i}: cannot read '${n}': no such file or not readable
`),2}let u=n==="-"?t.stdin:M(n,{highWaterMark:1<<20}),s;try{s=await F(u,{file:n==="-"?null:n,dockerfile:e.dockerfile??null,format:h,context:e.context??null,changedFiles:e["changed-files"]??null,gitBase:e["git-base"]??null,baseline:e.baseline??null,timeThreshold:e["time-threshold"]??null,sizeThreshold:e["size-threshold"]??null})}catch(a){return t.stderr(`${i}: ${a.message}
`),2}if(s.report.steps.length===0&&s.report.totals.stepSeconds===0&&s.parsedVertices===0)return t.stderr(`${i}: no BuildKit progress found in '${n}' (empty, or not a plain/rawjson BuildKit log)
`),2;if(t.stdout(s.output),e.out)try{let a=await E(s.report,e.out,{charts:!e["no-charts"]});for(let T of a.warnings)t.stderr(`${i}: warning: ${T}
`);t.stderr(`${i}: wrote ${a.files.length} files to ${e.out} (open ${a.html})
`)}catch(a){return t.stderr(`${i}: cannot write to '${e.out}': ${a.message}
`),2}for(let a of s.notices)t.stderr(`${i}: warning: ${a}
`);let c=s.report;if(c.failed||!c.complete)return t.stderr(`${i}: incomplete report: ${c.incompleteReasons.join("; ")}
`),1;let d=c.comparison?.regressions??0;return d&&e["fail-on-regression"]?(t.stderr(`${i}: ${d} regression(s) against the baseline
`),1):(t.stderr(`${i}: analysed ${c.totals.steps} steps, ${c.totals.counts.cached} cached
`),0)}async function B(r,t,e,o){if(!r)return g(o,"missing the Dockerfile");let l=new Set(["format","context","check"]),n=Object.keys(e).find(s=>!l.has(s)&&e[s]!==void 0);if(n)return g(o,`'--${n}' is not an option of 'suggest'`);let f=e.format??"text";if(!C.includes(f))return g(o,`'--format' must be text, md or json but got '${e.format}'`);let h=[r,...t];if(h.length>1&&e.context)return g(o,"'--context' takes one Dockerfile");let u=[];for(let s of h)try{u.push(await R(s,{context:e.context??null}))}catch(c){let d=c.code,a=d==="ENOENT"||d==="EISDIR"||d==="EACCES"?"no such file or not readable":c.message;return o.stderr(`${i}: cannot read '${s}': ${a}
`),2}if(f==="json")o.stdout(`${JSON.stringify(u.length===1?u[0]:u,null,2)}
`);else for(let s of u)o.stdout(f==="md"?I(s):j(s));for(let s of u)o.stderr(`${i}: ${O(s)}
`);return e.check&&u.some(s=>s.suggestions.length)?1:0}function g(r,t){return r.stderr(`${i}: ${t} (see --help)
`),2}D(process.argv.slice(2),{stdin:process.stdin,stdout:r=>process.stdout.write(r),stderr:r=>process.stderr.write(r)}).then(r=>{process.exitCode=r},r=>{process.stderr.write(`buildkit-cache-analytics: ${r.message}
`),process.exitCode=2});
