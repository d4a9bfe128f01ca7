const run=require('./dist/tools/plan/run.js');Error.stackTraceLimit=0;
(async()=>{for(let i=0;i<4;i++){const t=performance.now();await run.planStack('stage','.');console.error('eval',i,(performance.now()-t).toFixed(0));}})();
