import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{a as t,b as o}from"./chunk-XWBBNIFX.js";import"./chunk-UABZJNND.js";import"./chunk-SZMRAYHP.js";import"./chunk-MJ632ZJM.js";import{parentPort as p}from"node:worker_threads";var e=p;e&&(t().catch(()=>{}),e.on("message",({id:n,svg:g})=>{o(g).then(r=>{let s=new Uint8Array(r);e.postMessage({id:n,png:s},[s.buffer])},r=>e.postMessage({id:n,error:r.message}))}));
