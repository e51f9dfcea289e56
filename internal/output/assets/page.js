(function(){
  function key(cell){var s=cell.getAttribute('data-sort');return s!==null?s:cell.textContent.trim();}
  function cmp(a,b){var x=parseFloat(a),y=parseFloat(b);if(!isNaN(x)&&!isNaN(y)&&String(x)===a&&String(y)===b)return x-y;return a.localeCompare(b);}
  document.querySelectorAll('table[data-sortable]').forEach(function(t){
    var body=t.tBodies[0];if(!body)return;
    t.querySelectorAll('thead th').forEach(function(th,i){
      var b=document.createElement('button');b.type='button';b.textContent=th.textContent;
      b.setAttribute('aria-label','sort by '+th.textContent);th.textContent='';th.appendChild(b);
      b.addEventListener('click',function(){
        var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
        t.querySelectorAll('thead th').forEach(function(o){o.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',dir===1?'ascending':'descending');
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(r1,r2){return dir*cmp(key(r1.cells[i]),key(r2.cells[i]));});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.querySelectorAll('input[data-filter]').forEach(function(inp){
    var t=document.getElementById(inp.getAttribute('data-filter'));if(!t||!t.tBodies[0])return;
    var out=document.getElementById(inp.getAttribute('data-filter')+'-count');
    inp.hidden=false;
    inp.addEventListener('input',function(){
      var q=inp.value.toLowerCase(),n=0;
      Array.prototype.forEach.call(t.tBodies[0].rows,function(r){var show=r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!show;if(show)n++;});
      if(out)out.textContent=n+' shown';
    });
  });
})();
