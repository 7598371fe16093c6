import { createRequire as __bcaCreateRequire } from 'node:module';
const require = __bcaCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-XWBBNIFX.js";import"./chunk-UABZJNND.js";import"./chunk-SZMRAYHP.js";import"./chunk-MJ632ZJM.js";export{a as preparePng,c as svgToPixels,b as svgToPng};
