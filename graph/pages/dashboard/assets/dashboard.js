// herald's dashboard: reads herald's GraphQL stats and draws them with
// uPlot, then follows the chainHeads subscription over SSE (a fetch whose
// response streams) and reads the stats again whenever a block is indexed
// or undone, so that a reorg's removals correct the charts. The page's CSP
// forbids inline scripts and other origins: this file and the vendored
// uPlot are all it runs, and it talks only to the page's own /graphql.
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('dashboard-config').textContent);
  // What tests and curious operators read: each chart's uPlot and whether
  // it holds data, how many times the charts were redrawn from a live
  // event, the events seen.
  // reorgsRedrawn counts the reorgs seen before the latest redraw began:
  // charts read after a block was undone.
  var state = { charts: {}, loads: 0, liveUpdates: 0, events: 0, reorgs: [], reorgsRedrawn: 0, error: null };
  window.heraldDashboard = state;

  var ranges = {
    '1h': { seconds: 3600, bucket: 'MINUTE' },
    '24h': { seconds: 86400, bucket: 'HOUR' },
    '7d': { seconds: 7 * 86400, bucket: 'HOUR' },
    '30d': { seconds: 30 * 86400, bucket: 'DAY' }
  };
  var bucketSeconds = { MINUTE: 60, HOUR: 3600, DAY: 86400, WEEK: 7 * 86400 };
  var contracts = {}; // every contract seen, for the filter

  var query = 'query Dashboard($range: TimeRange, $bucket: Bucket, $chain: String, $contract: Address, $collection: String) {' +
    ' stats(range: $range, bucket: $bucket, chain: $chain, contract: $contract, collection: $collection) {' +
    '  registrations { time count } badgeClaims { time count } reuseAttempts { time count } nullifierUses { time count }' +
    '  busiestHours { hour count } xpHistogram { min count }' +
    '  gas { time contract transactions avgGasUsed p50GasUsed p95GasUsed }' +
    '  calls { time contract succeeded failed } callErrors { contract error count } }' +
    ' daily: stats(range: $range, bucket: DAY, chain: $chain, contract: $contract) { activePlayers { time count } }' +
    ' players(first: 10, where: { chain: $chain }) { nodes { rank address xp } }' +
    ' _meta { chains { chain } } }';

  function gql(q, variables) {
    return fetch(cfg.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify({ query: q, variables: variables })
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
      return body.data;
    });
  }

  function el(id) { return document.getElementById(id); }
  function secs(t) { return Math.floor(Date.parse(t) / 1000); }
  function short(addr) { return addr ? addr.slice(0, 6) + '…' + addr.slice(-4) : ''; }

  function filters() {
    var r = ranges[el('range').value];
    var now = Date.now();
    return {
      range: { from: new Date(now - r.seconds * 1000).toISOString(), to: new Date(now + 60000).toISOString() },
      bucket: r.bucket,
      chain: el('chain').value || null,
      contract: el('contract').value || null,
      collection: el('collection').value.trim() || null
    };
  }

  // series aligns time counts on one x axis: the union of their buckets,
  // zero where a series has no row.
  function timeSeries(lists, scale) {
    var xs = {};
    lists.forEach(function (l) { l.forEach(function (p) { xs[secs(p.time)] = true; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var data = [x];
    lists.forEach(function (l) {
      var by = {};
      l.forEach(function (p) { by[secs(p.time)] = p.count; });
      data.push(x.map(function (t) { return (by[t] || 0) * (scale || 1); }));
    });
    return data;
  }

  var palette = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7f8f', '#57606a'];
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined;

  function size(node) { return { width: Math.max(200, node.clientWidth - 12), height: 170 }; }

  // draw replaces a chart: series are [label, values, options] after x.
  function draw(name, x, series, opts) {
    opts = opts || {};
    var node = el('chart-' + name);
    var old = state.charts[name];
    if (old && old.plot) old.plot.destroy();
    var empty = node.querySelector('.empty');
    if (empty) empty.remove();
    if (!opts.categories && current && series.some(function (s) { return s[2] && s[2].floor; })) {
      // A floor line runs across the whole range, not only between buckets.
      var from = secs(current.range.from), to = Math.floor(Date.now() / 1000);
      x = [from].concat(x, [to]);
      series = series.map(function (s) {
        if (s[2] && s[2].floor) return [s[0], x.map(function () { return s[2].value; }), s[2]];
        return [s[0], [null].concat(s[1], [null]), s[2]];
      });
    }
    var data = [x];
    var uSeries = [{}];
    var hasData = false;
    series.forEach(function (s, i) {
      data.push(s[1]);
      var so = Object.assign({ label: s[0], stroke: palette[i % palette.length], width: 1.5, points: { show: x.length < 40 } }, s[2] || {});
      if (opts.bars && !so.floor) {
        so.paths = bars;
        so.fill = so.stroke + '99';
      }
      uSeries.push(so);
      if (!so.floor) {
        s[1].forEach(function (v) { if (v !== null && v !== undefined && v > 0) hasData = true; });
      }
    });
    if (!hasData) {
      node.insertAdjacentHTML('beforeend', '<p class="empty">no data in this range</p>');
      state.charts[name] = { plot: null, hasData: false, points: x.length };
      return;
    }
    var dims = size(node);
    var x0 = { time: !opts.categories };
    if (!opts.categories && current) {
      // The whole range the filter asks for, so that a few buckets sit
      // where they belong in it.
      x0.range = function () { return [secs(current.range.from), Math.floor(Date.now() / 1000)]; };
    }
    var yAxis = { size: 50, values: function (u, ticks) { return ticks.map(compact); } };
    var plot = new uPlot({
      width: dims.width, height: dims.height,
      scales: { x: x0 },
      axes: [opts.categories ? { values: function (u, ticks) { return ticks.map(function (t) { return opts.categories[t] || ''; }); } } : {}, yAxis],
      series: uSeries,
      legend: { live: false }
    }, data, node);
    state.charts[name] = { plot: plot, hasData: true, points: x.length };
  }

  // compact writes 285000 as 285k and 1500000 as 1.5M.
  function compact(v) {
    if (v === null || v === undefined) return '';
    var a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toFixed(1) + 'M';
    if (a >= 1e3) return +(v / 1e3).toFixed(1) + 'k';
    return +v.toFixed(2) + '';
  }

  function floor(label, x, value) {
    return [label, x.map(function () { return value; }), { stroke: '#b3261e', dash: [6, 4], width: 1, floor: true, value: value, points: { show: false } }];
  }

  var current = null; // the filters of the charts being drawn

  function render(d, f) {
    current = f;
    var s = d.stats;
    var perMinute = 60 / bucketSeconds[f.bucket];
    var claims = timeSeries([s.badgeClaims], perMinute);
    draw('claims', claims[0], [['claims/min', claims[1]], floor('floor', claims[0], cfg.claimsPerMinute)]);

    var ok = [], failed = [];
    s.calls.forEach(function (c) {
      ok.push({ time: c.time, count: c.succeeded });
      failed.push({ time: c.time, count: c.failed });
    });
    // Calls of several functions share a bucket: timeSeries keeps the last,
    // so sum per bucket first.
    function sum(list) {
      var by = {};
      list.forEach(function (p) { by[p.time] = (by[p.time] || 0) + p.count; });
      return Object.keys(by).map(function (t) { return { time: t, count: by[t] }; });
    }
    var outcomes = timeSeries([sum(ok), sum(failed)]);
    draw('outcomes', outcomes[0], [['succeeded', outcomes[1]], ['failed', outcomes[2], { stroke: '#d1242f' }]]);

    var errs = {};
    s.callErrors.forEach(function (e) { errs[e.error] = (errs[e.error] || 0) + e.count; });
    var names = Object.keys(errs).sort(function (a, b) { return errs[b] - errs[a]; });
    draw('errors', names.map(function (_, i) { return i; }), [['failed calls', names.map(function (n) { return errs[n]; })]],
      { bars: true, categories: names });

    // Gas: one average and one p95 line per contract.
    var gx = {}, byContract = {};
    s.gas.forEach(function (g) {
      var t = secs(g.time);
      gx[t] = true;
      (byContract[g.contract] = byContract[g.contract] || {})[t] = g;
    });
    var gasX = Object.keys(gx).map(Number).sort(function (a, b) { return a - b; });
    var gasSeries = [];
    Object.keys(byContract).sort().forEach(function (c, i) {
      var color = palette[i % palette.length];
      gasSeries.push(['avg …' + c.slice(-4), gasX.map(function (t) { return byContract[c][t] ? byContract[c][t].avgGasUsed : null; }), { stroke: color }]);
      gasSeries.push(['p95 …' + c.slice(-4), gasX.map(function (t) { return byContract[c][t] ? byContract[c][t].p95GasUsed : null; }), { stroke: color, dash: [2, 3] }]);
    });
    gasSeries.push(floor('budget', gasX, cfg.gasBudget));
    draw('gas', gasX, gasSeries);

    var xp = s.xpHistogram;
    draw('xp', xp.map(function (b, i) { return i; }), [['players', xp.map(function (b) { return b.count; })]],
      { bars: true, categories: xp.map(function (b) { return b.min + '+'; }) });

    var nul = timeSeries([s.nullifierUses, s.reuseAttempts]);
    draw('nullifiers', nul[0], [['first uses', nul[1]], ['reuse attempts', nul[2], { stroke: '#d1242f' }]]);

    var act = timeSeries([d.daily.activePlayers]);
    draw('actives', act[0], [['players', act[1]]], { bars: act[0].length < 3 });

    var hours = [];
    for (var h = 0; h < 24; h++) hours.push(0);
    s.busiestHours.forEach(function (b) { hours[b.hour] = b.count; });
    draw('hours', hours.map(function (_, i) { return i; }), [['claims and uses', hours]],
      { bars: true, categories: hours.map(function (_, i) { return String(i); }) });

    var regs = timeSeries([s.registrations]);
    draw('registrations', regs[0], [['registrations', regs[1]]]);

    var board = el('leaderboard');
    board.textContent = '';
    d.players.nodes.forEach(function (p) {
      var li = document.createElement('li');
      li.value = p.rank;
      li.textContent = short(p.address) + ' — ' + p.xp + ' XP';
      board.appendChild(li);
    });
    fillChains(d._meta.chains.map(function (c) { return c.chain; }));
    s.gas.forEach(function (g) { contracts[g.contract] = true; });
    s.calls.forEach(function (c) { contracts[c.contract] = true; });
    fillContracts();
  }

  function fillSelect(select, values, label) {
    var have = {};
    Array.prototype.forEach.call(select.options, function (o) { have[o.value] = true; });
    values.forEach(function (v) {
      if (have[v]) return;
      var o = document.createElement('option');
      o.value = v;
      o.textContent = label ? label(v) : v;
      select.appendChild(o);
    });
  }
  function fillChains(chains) { fillSelect(el('chain'), chains); }
  function fillContracts() { fillSelect(el('contract'), Object.keys(contracts).sort(), short); }

  var loading = null, again = false, againLive = false;
  // load reads the stats and redraws; loads asked for while one runs are
  // folded into one more after it.
  function load(live) {
    if (loading) {
      again = true;
      againLive = againLive || live;
      return loading;
    }
    var f = filters();
    var reorgs = state.reorgs.length;
    loading = gql(query, f).then(function (d) {
      render(d, f);
      state.loads++;
      state.reorgsRedrawn = reorgs;
      if (live) state.liveUpdates++;
      state.error = null;
      status('live · updated ' + new Date().toLocaleTimeString() + ' · ' + state.events + ' events');
    }).catch(function (e) {
      state.error = String(e);
      status('error: ' + e.message, true);
    }).then(function () {
      loading = null;
      if (again) {
        var live = againLive;
        again = againLive = false;
        load(live);
      }
    });
    return loading;
  }

  function status(text, error) {
    var p = el('live');
    p.textContent = text;
    p.className = error ? 'live error' : 'live';
  }

  var timer = null;
  function scheduleLive() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; load(true); }, 300);
  }

  function noteReorg(ev) {
    state.reorgs.push(ev);
    var list = el('reorgs');
    var none = list.querySelector('.none');
    if (none) none.remove();
    var li = document.createElement('li');
    li.className = 'reorg';
    li.textContent = new Date().toLocaleTimeString() + ' ' + ev.chain + ': block ' + ev.height + ' undone; charts read again';
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 20) list.removeChild(list.lastChild);
  }

  // follow subscribes to chainHeads over SSE and resumes after the last
  // event it saw when the stream ends.
  var lastEvent = null;
  function follow() {
    var sub = 'subscription Heads($after: ID) { chainHeads(afterEventId: $after) { eventId kind chain height } }';
    fetch(cfg.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
      body: JSON.stringify({ query: sub, variables: { after: lastEvent } })
    }).then(function (resp) {
      if (!resp.ok || !resp.body) throw new Error('subscription refused: ' + resp.status);
      var reader = resp.body.getReader();
      var decoder = new TextDecoder();
      var buf = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buf += decoder.decode(chunk.value, { stream: true });
          var at;
          while ((at = buf.indexOf('\n\n')) >= 0) {
            var message = buf.slice(0, at);
            buf = buf.slice(at + 2);
            message.split('\n').forEach(function (line) {
              if (line.indexOf('data:') !== 0) return;
              var body;
              try { body = JSON.parse(line.slice(5)); } catch (e) { return; }
              var ev = body && body.data && body.data.chainHeads;
              if (!ev) return;
              lastEvent = ev.eventId;
              state.events++;
              if (ev.kind === 'REMOVED') noteReorg(ev);
              scheduleLive();
            });
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      status('subscription: ' + e.message + '; retrying', true);
    }).then(function () {
      setTimeout(follow, 2000);
    });
  }

  ['range', 'chain', 'contract'].forEach(function (id) { el(id).addEventListener('change', function () { load(false); }); });
  el('collection').addEventListener('change', function () { load(false); });
  el('filters').addEventListener('submit', function (e) { e.preventDefault(); load(false); });
  window.addEventListener('resize', function () {
    Object.keys(state.charts).forEach(function (name) {
      var c = state.charts[name];
      if (c.plot) c.plot.setSize(size(el('chart-' + name)));
    });
  });

  load(false).then(follow);
})();
