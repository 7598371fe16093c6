#!/usr/bin/env node
import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{K as S,L as R,f as w,h as b,l as x,m as i,t as y,w as k,y as m,z as E}from"./chunk-CZE5LE7F.js";import{g as p,j as $}from"./chunk-2SMFH7CO.js";import"./chunk-MJ632ZJM.js";import{createReadStream as P}from"node:fs";import{access as A,readdir as M}from"node:fs/promises";import{parseArgs as L}from"node:util";import{readFile as N}from"node:fs/promises";import{dirname as z}from"node:path";async function F(r,t={}){let e=await N(r,"utf8"),s=w(e),l=y(k(""),{dockerfile:{path:r,parsed:s,text:e}}),o=await b(l,{file:r,text:e,dockerfile:s,contextDir:t.context??z(r)});return{file:r,suggestions:o}}function j(r){let t=[];return r.suggestions.forEach((e,s)=>{let l=e.also?.length?` + ${e.also.map(o=>o.rule).join(", ")}`:"";t.push(`${s+1}. [${e.rule}${l}] ${e.title} (${e.file}, lines ${e.lines.start}-${e.lines.end})`),t.push(`   ${p($(e),200)}`),t.push(`   ${p(e.why,400)}`);for(let o of e.diff.trimEnd().split(`
`))t.push(`   ${o}`);t.push("")}),t.length?`${t.join(`
`)}
`:""}function I(r){let t=[];for(let e of r.suggestions){let s=`${m(p(e.file,60))} lines ${e.lines.start}\u2013${e.lines.end}`;t.push(`**${m(p(e.title,100))}** (\`${e.rule}\`${e.also?.length?` + ${e.also.map(l=>`\`${l.rule}\``).join(", ")}`:""}, ${s} \xB7 ${m($(e))})`,"",m(p(e.why,400)),"",E(e.diff,"diff"),"")}return t.length?`${t.join(`
`)}
`:""}function O(r){let t=r.suggestions.length;return t?`${r.file}: ${t} suggestion(s) (rules of thumb: no build log)`:`${r.file}: no suggestions`}var B=`Usage: ${i} analyze <log|-> [options]
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
regression, or (suggest --check) a suggestion; 2 bad usage or unreadable input.`,T=["text","md","json"];async function C(r,t){let e,s;try{({values:e,positionals:s}=L({args:r,allowPositionals:!0,options:{format:{type:"string",short:"f"},dockerfile:{type:"string"},context:{type:"string"},"changed-files":{type:"string"},"git-base":{type:"string"},baseline:{type:"string"},"time-threshold":{type:"string"},"size-threshold":{type:"string"},"fail-on-regression":{type:"boolean"},out:{type:"string"},"no-charts":{type:"boolean"},check:{type:"boolean"},help:{type:"boolean",short:"h"},version:{type:"boolean"}}}))}catch(a){return g(t,a.message)}if(e.version)return t.stdout(`${x}
`),0;if(e.help)return t.stdout(`${B}
`),0;let[l,o,...f]=s;if(l==="suggest")return J(o,f,e,t);if(e.check)return g(t,"'--check' is an option of 'suggest'");if(l!=="analyze")return g(t,l?`unknown command '${l}'`:"missing command");if(!o)return g(t,"missing the log file (a path, or '-' for stdin)");if(f.length)return g(t,`unexpected argument '${f[0]}'`);let h=e.format??"text";if(!T.includes(h))return g(t,`'--format' must be text, md or json but got '${e.format}'`);if(e.out){let a=await K(e.out);if(a)return t.stderr(`${i}: ${a}
`),2}try{o!=="-"&&await A(o)}catch{return t.stderr(`${i}: cannot read '${o}': no such file or not readable
`),2}let c=o==="-"?t.stdin:P(o,{highWaterMark:1<<20}),n;try{n=await R(c,{file:o==="-"?null:o,dockerfile:e.dockerfile??null,format:h,context:e.context??null,changedFiles:e["changed-files"]??null,gitBase:e["git-base"]??null,baseline:e.baseline??null,timeThreshold:e["time-threshold"]??null,sizeThreshold:e["size-threshold"]??null})}catch(a){return t.stderr(`${i}: ${a.message}
`),2}if(n.report.steps.length===0&&n.report.totals.stepSeconds===0&&n.parsedVertices===0)return t.stderr(`${i}: no BuildKit progress found in '${o}' (empty, or not a plain/rawjson BuildKit log)
`),2;if(t.stdout(n.output),e.out)try{let a=await S(n.report,e.out,{charts:!e["no-charts"]});for(let D of a.warnings)t.stderr(`${i}: warning: ${D}
`);t.stderr(`${i}: wrote ${a.files.length} files to ${e.out} (open ${a.html})
`)}catch(a){return t.stderr(`${i}: cannot write to '${e.out}': ${a.message}
`),2}for(let a of n.notices)t.stderr(`${i}: warning: ${a}
`);let u=n.report;if(u.failed||!u.complete)return t.stderr(`${i}: incomplete report: ${u.incompleteReasons.join("; ")}
`),1;let d=u.comparison?.regressions??0;return d&&e["fail-on-regression"]?(t.stderr(`${i}: ${d} regression(s) against the baseline
`),1):(t.stderr(`${i}: analysed ${u.totals.steps} steps, ${u.totals.counts.cached} cached
`),0)}async function J(r,t,e,s){if(!r)return g(s,"missing the Dockerfile");let l=new Set(["format","context","check"]),o=Object.keys(e).find(n=>!l.has(n)&&e[n]!==void 0);if(o)return g(s,`'--${o}' is not an option of 'suggest'`);let f=e.format??"text";if(!T.includes(f))return g(s,`'--format' must be text, md or json but got '${e.format}'`);let h=[r,...t];if(h.length>1&&e.context)return g(s,"'--context' takes one Dockerfile");let c=[];for(let n of h)try{c.push(await F(n,{context:e.context??null}))}catch(u){let d=u.code,a=d==="ENOENT"||d==="EISDIR"||d==="EACCES"?"no such file or not readable":u.message;return s.stderr(`${i}: cannot read '${n}': ${a}
`),2}if(f==="json")s.stdout(`${JSON.stringify(c.length===1?c[0]:c,null,2)}
`);else for(let n of c)s.stdout(f==="md"?I(n):j(n));for(let n of c)s.stderr(`${i}: ${O(n)}
`);return e.check&&c.some(n=>n.suggestions.length)?1:0}var v=new Set(["report.json","report.md","report.html","progress.log","charts"]);async function K(r){let t;try{t=await M(r)}catch(s){let l=s.code;return l==="ENOENT"?null:`'--out' names '${r}', which is not a folder that can be written (${l??"error"})`}let e=t.filter(s=>!v.has(s));return e.length?`'--out' names '${r}', which holds ${e.length} file(s) other than an earlier report: give a new or empty folder`:null}function g(r,t){return r.stderr(`${i}: ${t} (see --help)
`),2}process.stdout.on("error",r=>{throw r.code==="EPIPE"&&process.exit(process.exitCode??0),r});C(process.argv.slice(2),{stdin:process.stdin,stdout:r=>process.stdout.write(r),stderr:r=>process.stderr.write(r)}).then(r=>{process.exitCode=r},r=>{process.stderr.write(`buildkit-cache-analytics: ${r.message}
`),process.exitCode=2});
