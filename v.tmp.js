const {readStackFile,stackFileSource}=require('./dist/tools/plan/stackfile.js');
const {loadProgramConfig}=require('./dist/components/config/load.js');
const {SYSTEMS}=require('./dist/components/systems.js');
const {checkSize}=require('./dist/tools/plan/size.js');
const N=30;
for (let round=0;round<2;round++){
let a=0,b=0,c=0;
for(let i=0;i<N;i++){let t=performance.now();const f=readStackFile('stage','.');a+=performance.now()-t;t=performance.now();checkSize('stage',f.values);b+=performance.now()-t;t=performance.now();loadProgramConfig(stackFileSource(f,'[secret]'),SYSTEMS,{placeholderSecret:()=>'x'});c+=performance.now()-t;}
console.log('read',(a/N).toFixed(1),'size',(b/N).toFixed(1),'load',(c/N).toFixed(1));}
