#!/usr/bin/env node
import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{F as j,G as C,H as D,J as P,L as w,M as N,Y as z,ba as L,ca as M,da as B,ea as x,f as F,h as R,p as v,r as I,u as O,w as A,x as T,y as o}from"./chunk-JPPI73ZE.js";import{g as $,j as E}from"./chunk-2SMFH7CO.js";import"./chunk-MJ632ZJM.js";import{createReadStream as oe}from"node:fs";import{access as ne,readdir as ie}from"node:fs/promises";import{parseArgs as ae}from"node:util";import{readFile as _}from"node:fs/promises";import{dirname as q}from"node:path";async function V(r,t={}){let e=await _(r,"utf8"),s=F(e),n=j(P(""),{dockerfile:{path:r,parsed:s,text:e}}),a=await R(n,{file:r,text:e,dockerfile:s,contextDir:t.context??q(r)});return{file:r,suggestions:a}}function K(r){let t=[];return r.suggestions.forEach((e,s)=>{let n=e.also?.length?` + ${e.also.map(a=>a.rule).join(", ")}`:"";t.push(`${s+1}. [${e.rule}${n}] ${e.title} (${e.file}, lines ${e.lines.start}-${e.lines.end})`),t.push(`   ${$(E(e),200)}`),t.push(`   ${$(e.why,400)}`);for(let a of e.diff.trimEnd().split(`
`))t.push(`   ${a}`);t.push("")}),t.length?`${t.join(`
`)}
`:""}function U(r){let t=[];for(let e of r.suggestions){let s=`${w($(e.file,60))} lines ${e.lines.start}\u2013${e.lines.end}`;t.push(`**${w($(e.title,100))}** (\`${e.rule}\`${e.also?.length?` + ${e.also.map(n=>`\`${n.rule}\``).join(", ")}`:""}, ${s} \xB7 ${w(E(e))})`,"",w($(e.why,400)),"",N(e.diff,"diff"),"")}return t.length?`${t.join(`
`)}
`:""}function G(r){let t=r.suggestions.length;return t?`${r.file}: ${t} suggestion(s) (rules of thumb: no build log)`:`${r.file}: no suggestions`}import{createReadStream as W}from"node:fs";import{access as Q,readFile as X}from"node:fs/promises";import{dirname as Z}from"node:path";import{parseArgs as ee}from"node:util";var te=`Usage: ${o} verify <log> --dockerfile PATH --git-base REF [options]

Analyses the log of a build (as 'analyze' does), then tries its top suggestions backed by that build
on real rebuilds (needs Docker): in a scratch copy of the context, the edit is applied, the base tree
(the merge base of REF and HEAD, from git) is built with it, then this tree; the re-run time is compared
with the logged build's, and the final image with the one built without the edit (files, sizes, modes,
owners, entrypoint, cmd, env, workdir, user). Nothing is pushed; temporary tags and folders are removed.

Options:
  --dockerfile PATH         the Dockerfile that was built (required)
  --git-base REF            the base branch or commit (required), e.g. origin/main
  --context DIR             build context (default: the Dockerfile's folder)
  --build-arg KEY=VALUE     as given to the real build (repeatable); values are redacted everywhere
  --base-build-arg K=V      a build arg of the base build instead (repeatable; default: an ARG the
                            analysis blamed for a re-run gets a value of its own)
  --secret id=KEY,src=FILE  as given to the real build (repeatable); values are redacted everywhere
  --target STAGE            the stage that was built
  --cache-from REF          as given to the real build (repeatable)
  --extra-args "ARGS"       more build arguments, as a shell would split them (push/output/cache-to dropped)
  --docker PATH             the docker CLI (default: docker)
  --count N                 how many suggestions to verify (default 1)
  --timeout T               time budget, e.g. 10m (default), 90s; the rest is skipped with a note
  --changed-files LIST      as for 'analyze' (default: from --git-base)
  --format text|md|json     output format (default text)

Exit codes: 0 verified (whatever each verdict), 1 incomplete report or build failed, 2 bad usage.`,re=["text","md","json"];async function se(r){let t=new Map(r.split(",").map(n=>[n.slice(0,n.indexOf("=")),n.slice(n.indexOf("=")+1)])),e=t.get("id"),s=t.get("src")??t.get("source");if(!e||!s)throw new Error(`'--secret' must be id=KEY,src=FILE but got '${r.replace(/src=.*/,"src=\u2026")}'`);try{return`${e}=${await X(s,"utf8")}`}catch{throw new Error(`'--secret' ${e}: cannot read '${s}'`)}}function h(r,t){return r.stderr(`${o}: ${t} (see --help)
`),2}async function H(r,t){let e,s;try{({values:e,positionals:s}=ee({args:r,allowPositionals:!0,options:{dockerfile:{type:"string"},"git-base":{type:"string"},context:{type:"string"},"build-arg":{type:"string",multiple:!0},"base-build-arg":{type:"string",multiple:!0},secret:{type:"string",multiple:!0},target:{type:"string"},"cache-from":{type:"string",multiple:!0},"extra-args":{type:"string"},docker:{type:"string"},count:{type:"string"},timeout:{type:"string"},"changed-files":{type:"string"},format:{type:"string",short:"f"},help:{type:"boolean",short:"h"}}}))}catch(u){return h(t,u.message)}if(e.help)return t.stdout(`${te}
`),0;let[n,...a]=s;if(!n)return h(t,"verify: missing the log file of the build");if(a.length)return h(t,`unexpected argument '${a[0]}'`);if(!e.dockerfile)return h(t,"verify needs '--dockerfile'");if(!e["git-base"])return h(t,"verify needs '--git-base' (the base tree comes from git)");let d=e.format??"text";if(!re.includes(d))return h(t,`'--format' must be text, md or json but got '${e.format}'`);let m=Number(e.count??"1");if(!Number.isInteger(m)||m<1)return h(t,`'--count' must be a whole number from 1 but got '${e.count}'`);let g=A(e.timeout??"10m");if(g===null||g<=0)return h(t,`'--timeout' must be a duration such as 10m or 90s but got '${e.timeout}'`);try{await Q(n)}catch{return t.stderr(`${o}: cannot read '${n}': no such file or not readable
`),2}let i;try{i=await Promise.all((e.secret??[]).map(se))}catch(u){return h(t,u.message)}let c={context:e.context??Z(e.dockerfile),file:e.dockerfile,target:e.target??"","build-args":e["build-arg"]??[],tags:[],platforms:[],"cache-from":e["cache-from"]??[],"cache-to":[],push:!1,load:!1,secrets:i,"extra-args":v(e["extra-args"]??""),docker:e.docker??"docker"},f=new C([...I(c),...O(c["extra-args"]),...(e["base-build-arg"]??[]).map(u=>u.slice(u.indexOf("=")+1))]),l;try{l=await x(W(n,{highWaterMark:1<<20}),{file:n,dockerfile:e.dockerfile,format:d,context:c.context,changedFiles:e["changed-files"]??null,gitBase:e["changed-files"]?null:e["git-base"]})}catch(u){return t.stderr(`${o}: ${f.text(u.message)}
`),2}let b=await L({report:l.report,build:c,gitBase:e["git-base"],count:m,timeoutSeconds:g,redactor:f,baseBuildArgs:e["base-build-arg"],log:u=>t.stderr(`${o}: ${f.text(u)}
`)}),S=M(l.report,b),y=f.deep(S,D(S));t.stdout(B(y,d));for(let u of b.notes)t.stderr(`${o}: note: ${u}
`);let k=(y.analysis?.suggestions??[]).filter(u=>u.verification).map(u=>`${u.rule} ${u.verification.status}`);return t.stderr(`${o}: verified ${k.length} suggestion(s) in ${b.seconds.toFixed(1)} s (${b.builds} builds)${k.length?`: ${k.join(", ")}`:""}
`),y.failed||!y.complete?(t.stderr(`${o}: incomplete report: ${y.incompleteReasons.join("; ")}
`),1):0}var le=`Usage: ${o} analyze <log|-> [options]
       ${o} suggest <Dockerfile>... [--context DIR] [--format text|md|json] [--check]
       ${o} verify <log> --dockerfile PATH --git-base REF [options]   (see verify --help)

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
regression, or (suggest --check) a suggestion; 2 bad usage or unreadable input.`,J=["text","md","json"];async function Y(r,t){if(r[0]==="verify")return H(r.slice(1),t);let e,s;try{({values:e,positionals:s}=ae({args:r,allowPositionals:!0,options:{format:{type:"string",short:"f"},dockerfile:{type:"string"},context:{type:"string"},"changed-files":{type:"string"},"git-base":{type:"string"},baseline:{type:"string"},"time-threshold":{type:"string"},"size-threshold":{type:"string"},"fail-on-regression":{type:"boolean"},out:{type:"string"},"no-charts":{type:"boolean"},check:{type:"boolean"},help:{type:"boolean",short:"h"},version:{type:"boolean"}}}))}catch(l){return p(t,l.message)}if(e.version)return t.stdout(`${T}
`),0;if(e.help)return t.stdout(`${le}
`),0;let[n,a,...d]=s;if(n==="suggest")return ue(a,d,e,t);if(e.check)return p(t,"'--check' is an option of 'suggest'");if(n!=="analyze")return p(t,n?`unknown command '${n}'`:"missing command");if(!a)return p(t,"missing the log file (a path, or '-' for stdin)");if(d.length)return p(t,`unexpected argument '${d[0]}'`);let m=e.format??"text";if(!J.includes(m))return p(t,`'--format' must be text, md or json but got '${e.format}'`);if(e.out){let l=await ge(e.out);if(l)return t.stderr(`${o}: ${l}
`),2}try{a!=="-"&&await ne(a)}catch{return t.stderr(`${o}: cannot read '${a}': no such file or not readable
`),2}let g=a==="-"?t.stdin:oe(a,{highWaterMark:1<<20}),i;try{i=await x(g,{file:a==="-"?null:a,dockerfile:e.dockerfile??null,format:m,context:e.context??null,changedFiles:e["changed-files"]??null,gitBase:e["git-base"]??null,baseline:e.baseline??null,timeThreshold:e["time-threshold"]??null,sizeThreshold:e["size-threshold"]??null})}catch(l){return t.stderr(`${o}: ${l.message}
`),2}if(i.report.steps.length===0&&i.report.totals.stepSeconds===0&&i.parsedVertices===0)return t.stderr(`${o}: no BuildKit progress found in '${a}' (empty, or not a plain/rawjson BuildKit log)
`),2;if(t.stdout(i.output),e.out)try{let l=await z(i.report,e.out,{charts:!e["no-charts"]});for(let b of l.warnings)t.stderr(`${o}: warning: ${b}
`);t.stderr(`${o}: wrote ${l.files.length} files to ${e.out} (open ${l.html})
`)}catch(l){return t.stderr(`${o}: cannot write to '${e.out}': ${l.message}
`),2}for(let l of i.notices)t.stderr(`${o}: warning: ${l}
`);let c=i.report;if(c.failed||!c.complete)return t.stderr(`${o}: incomplete report: ${c.incompleteReasons.join("; ")}
`),1;let f=c.comparison?.regressions??0;return f&&e["fail-on-regression"]?(t.stderr(`${o}: ${f} regression(s) against the baseline
`),1):(t.stderr(`${o}: analysed ${c.totals.steps} steps, ${c.totals.counts.cached} cached
`),0)}async function ue(r,t,e,s){if(!r)return p(s,"missing the Dockerfile");let n=new Set(["format","context","check"]),a=Object.keys(e).find(i=>!n.has(i)&&e[i]!==void 0);if(a)return p(s,`'--${a}' is not an option of 'suggest'`);let d=e.format??"text";if(!J.includes(d))return p(s,`'--format' must be text, md or json but got '${e.format}'`);let m=[r,...t];if(m.length>1&&e.context)return p(s,"'--context' takes one Dockerfile");let g=[];for(let i of m)try{g.push(await V(i,{context:e.context??null}))}catch(c){let f=c.code,l=f==="ENOENT"||f==="EISDIR"||f==="EACCES"?"no such file or not readable":c.message;return s.stderr(`${o}: cannot read '${i}': ${l}
`),2}if(d==="json")s.stdout(`${JSON.stringify(g.length===1?g[0]:g,null,2)}
`);else for(let i of g)s.stdout(d==="md"?U(i):K(i));for(let i of g)s.stderr(`${o}: ${G(i)}
`);return e.check&&g.some(i=>i.suggestions.length)?1:0}var ce=new Set(["report.json","report.md","report.html","progress.log","charts"]);async function ge(r){let t;try{t=await ie(r)}catch(s){let n=s.code;return n==="ENOENT"?null:`'--out' names '${r}', which is not a folder that can be written (${n??"error"})`}let e=t.filter(s=>!ce.has(s));return e.length?`'--out' names '${r}', which holds ${e.length} file(s) other than an earlier report: give a new or empty folder`:null}function p(r,t){return r.stderr(`${o}: ${t} (see --help)
`),2}process.stdout.on("error",r=>{throw r.code==="EPIPE"&&process.exit(process.exitCode??0),r});Y(process.argv.slice(2),{stdin:process.stdin,stdout:r=>process.stdout.write(r),stderr:r=>process.stderr.write(r)}).then(r=>{process.exitCode=r},r=>{process.stderr.write(`buildkit-cache-analytics: ${r.message}
`),process.exitCode=2});
