import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{a as e}from"./chunk-SZMRAYHP.js";var o="DejaVu Sans",s={"resvg.wasm":"@resvg/resvg-wasm/index_bg.wasm","DejaVuSans.ttf":"dejavu-fonts-ttf/ttf/DejaVuSans.ttf","DejaVuSans-Bold.ttf":"dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"};function r(t){return e(t,s[t])}export{o as a,r as b};
