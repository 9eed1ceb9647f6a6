// LM Forge console: the few things a page does in the browser. Charts are drawn as SVG from the
// API's JSON; live data comes as server-sent events. Every value goes into the page as text.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

function el(tag, attrs, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function num(v) { return v === undefined || v === null || v === '' ? NaN : Number(v); }
function fmt(v, digits) { return Number.isFinite(v) ? v.toFixed(digits) : ''; }
function tick(v) { return Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3); }

// series: [{name, points: [[x, y]...], dots: bool}]; the svg's data-points counts the points drawn.
function chart(svg, series, xLabel) {
  svg.replaceChildren();
  const w = 460, h = 240, left = 52, right = 12, top = 12, bottom = 36;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const all = series.flatMap(s => s.points).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  svg.dataset.points = String(all.length);
  if (all.length === 0) {
    svg.appendChild(el('svg:text', {x: w / 2, y: h / 2, 'text-anchor': 'middle', class: 'empty'}, 'no data yet'));
    return;
  }
  let [x0, x1] = [Math.min(...all.map(p => p[0])), Math.max(...all.map(p => p[0]))];
  let [y0, y1] = [Math.min(...all.map(p => p[1])), Math.max(...all.map(p => p[1]))];
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const X = x => left + (x - x0) / (x1 - x0) * (w - left - right);
  const Y = y => h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
  svg.appendChild(el('svg:line', {x1: left, y1: h - bottom, x2: w - right, y2: h - bottom, class: 'axis'}));
  svg.appendChild(el('svg:line', {x1: left, y1: top, x2: left, y2: h - bottom, class: 'axis'}));
  // Steps, epochs and trials are whole numbers: their axis shows whole numbers, each once.
  const wholeX = all.every(p => Number.isInteger(p[0]));
  const xTicks = new Set();
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
    svg.appendChild(el('svg:text', {x: left - 4, y: Y(yv) + 4, 'text-anchor': 'end', class: 'tick'}, tick(yv)));
    const xt = wholeX ? Math.round(xv) : xv;
    if (xTicks.has(xt)) continue;
    xTicks.add(xt);
    svg.appendChild(el('svg:text', {x: X(xt), y: h - bottom + 14, 'text-anchor': 'middle', class: 'tick'}, wholeX ? String(xt) : tick(xt)));
  }
  svg.appendChild(el('svg:text', {x: (left + w) / 2, y: h - 4, 'text-anchor': 'middle', class: 'label'}, xLabel || ''));
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (!s.dots && pts.length > 1) {
      svg.appendChild(el('svg:polyline', {points: pts.map(p => `${X(p[0])},${Y(p[1])}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2}));
    }
    if (s.dots || pts.length <= 40) {
      for (const p of pts) svg.appendChild(el('svg:circle', {cx: X(p[0]), cy: Y(p[1]), r: s.dots ? 4 : 2.5, fill: color}));
    }
    svg.appendChild(el('svg:text', {x: left + 8 + i * 130, y: top + 10, fill: color, class: 'legend'}, s.name));
  });
}

function bars(svg, items) {
  svg.replaceChildren();
  const w = 460, row = 24, h = Math.max(60, items.length * row + 10);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.dataset.points = String(items.length);
  const max = Math.max(...items.map(i => i.value), 1e-12);
  items.forEach((item, i) => {
    svg.appendChild(el('svg:text', {x: 120, y: i * row + 20, 'text-anchor': 'end', class: 'tick'}, item.label));
    svg.appendChild(el('svg:rect', {x: 126, y: i * row + 6, width: Math.max(1, item.value / max * (w - 190)), height: row - 8, fill: COLORS[0]}));
    svg.appendChild(el('svg:text', {x: 130 + item.value / max * (w - 190), y: i * row + 20, class: 'tick'}, fmt(item.value, 3)));
  });
  if (items.length === 0) svg.appendChild(el('svg:text', {x: w / 2, y: 30, 'text-anchor': 'middle', class: 'empty'}, 'not computed yet'));
}

const TERMINAL = ['JOB_STATUS_COMPLETED', 'JOB_STATUS_FAILED', 'JOB_STATUS_STOPPED'];
function label(name) {
  if (!name) return '';
  const rest = name.replace(/^(JOB_STATUS|SECONDARY_STATUS)_/, '');
  return rest.split('_').map(w => w.charAt(0) + w.slice(1).toLowerCase()).join('');
}

// --- a training job: epoch curves from the job, the live loss from WatchTrainingJob ---
function trainingJobPage(root) {
  const name = root.dataset.trainingJob;
  const live = [];
  let epochsShown = -1;
  const drawEpochs = job => {
    const epochs = job.epochs || [];
    epochsShown = epochs.length;
    chart(document.getElementById('chart-loss'), [
      {name: 'train', points: epochs.map(e => [e.epoch, num(e.trainLoss)])},
      {name: 'validation', points: epochs.map(e => [e.epoch, num(e.validationLoss)])}], 'epoch');
    chart(document.getElementById('chart-bpc'), [
      {name: 'validation bpc', points: epochs.map(e => [e.epoch, num(e.validationBpc)])}], 'epoch');
  };
  const drawLive = () => chart(document.getElementById('chart-live-loss'), [{name: 'training loss', points: live}], 'step');
  const job = JSON.parse(document.getElementById('job-data').dataset.json);
  drawEpochs(job);
  drawLive();
  if (TERMINAL.includes(job.status)) return;
  const status = document.getElementById('status'), line = document.getElementById('progress-line');
  const source = new EventSource(`/training-jobs/${encodeURIComponent(name)}/progress`);
  source.onmessage = event => {
    const p = JSON.parse(event.data);
    if (p.error) { line.textContent = p.error; line.className = 'error'; source.close(); return; }
    status.textContent = `${label(p.status)} · ${label(p.secondaryStatus)}`;
    if (num(p.step) > 0 && Number.isFinite(num(p.loss))) { live.push([num(p.step), num(p.loss)]); drawLive(); }
    line.textContent = `epoch ${p.epoch || 0} of ${p.totalEpochs || '?'}, step ${p.step || 0} of ${p.totalSteps || '?'}, `
      + `${fmt(num(p.tokensPerSecond), 0)} tokens/s, about ${fmt(num(p.etaSeconds), 0)} s left ${p.message ? '· ' + p.message : ''}`;
    const done = TERMINAL.includes(p.status);
    if (done || (p.epoch || 0) > epochsShown) {
      fetch(`/training-jobs/${encodeURIComponent(name)}/job.json`, {headers: {Accept: 'application/json'}})
        .then(r => r.json()).then(j => { if (!j.error) drawEpochs(j); });
    }
    if (done) source.close();
  };
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) line.textContent += ' (live updates ended)'; };
}

// --- a tuning job: trials, objective with best so far, objective against each parameter, importance ---
function tuningJobPage(root) {
  const render = job => {
    const minimize = (job.spec.objective || {}).type !== 'OBJECTIVE_TYPE_MAXIMIZE';
    const trials = job.trials || [];
    document.getElementById('status').textContent = label(job.status);
    const tbody = document.querySelector('#trials tbody');
    tbody.replaceChildren();
    trials.forEach((t, i) => {
      const tr = el('tr');
      tr.appendChild(el('td', {class: 'num'}, String(i + 1)));
      const link = el('a', {href: `/training-jobs/${encodeURIComponent(t.trainingJobName)}`}, t.trainingJobName);
      const td = el('td'); td.appendChild(link); tr.appendChild(td);
      tr.appendChild(el('td', {class: 'status'}, label(t.status) + (t.earlyStopped ? ' (early stop)' : '')));
      tr.appendChild(el('td', {class: 'num'}, t.hasObjectiveValue ? fmt(num(t.objectiveValue), 4) : ''));
      tr.appendChild(el('td', {class: 'num'}, String((t.objectiveCurve || []).length)));
      tr.appendChild(el('td', {}, Object.entries(t.hyperparameters || {}).map(([k, v]) => `${k}=${v}`).join(', ')));
      tbody.appendChild(tr);
    });
    const scored = trials.map((t, i) => [i + 1, t.hasObjectiveValue ? num(t.objectiveValue) : NaN]);
    let best = NaN;
    const bestSoFar = scored.filter(p => Number.isFinite(p[1])).map(p => {
      best = !Number.isFinite(best) || (minimize ? p[1] < best : p[1] > best) ? p[1] : best;
      return [p[0], best];
    });
    chart(document.getElementById('chart-objective'), [{name: 'trial', points: scored, dots: true}, {name: 'best so far', points: bestSoFar}], 'trial');
    bars(document.getElementById('chart-importance'), (job.parameterImportance || []).map(p => ({label: p.name, value: num(p.importance)})));
    const holder = document.getElementById('parameter-charts');
    const names = [...new Set(trials.flatMap(t => Object.keys(t.hyperparameters || {})))].filter(n =>
      new Set(trials.map(t => (t.hyperparameters || {})[n])).size > 1);
    holder.replaceChildren();
    for (const n of names) {
      const values = trials.map(t => (t.hyperparameters || {})[n]);
      const numeric = values.every(v => Number.isFinite(num(v)));
      const categories = [...new Set(values)];
      const fig = el('figure'); fig.appendChild(el('figcaption', {}, `objective against ${n}${numeric ? '' : ' (' + categories.join(', ') + ')'}`));
      const svg = el('svg:svg', {class: 'chart', id: `chart-param-${n}`}); fig.appendChild(svg); holder.appendChild(fig);
      chart(svg, [{name: n, dots: true, points: trials.map((t, i) => [numeric ? num(values[i]) : categories.indexOf(values[i]), scored[i][1]])}], n);
    }
  };
  const job = JSON.parse(document.getElementById('tuning-data').dataset.json);
  render(job);
  if (TERMINAL.includes(job.status)) return;
  const source = new EventSource(`/tuning-jobs/${encodeURIComponent(root.dataset.tuningJob)}/updates`);
  source.onmessage = event => {
    const j = JSON.parse(event.data);
    if (j.error) { document.getElementById('status').textContent = j.error; source.close(); return; }
    render(j);
    if (TERMINAL.includes(j.status)) source.close();
  };
}

// --- corpus upload: the file is the request body; the bar shows the bytes sent ---
function uploadForm(form) {
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form), file = data.get('file');
    const query = new URLSearchParams({name: data.get('name'), file: file.name, language: data.get('language'),
      document_boundary: data.get('document_boundary'), lowercase: data.has('lowercase'), remove_stopwords: data.has('remove_stopwords')});
    const bar = document.getElementById('upload-progress'), status = document.getElementById('upload-status');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${form.dataset.upload}?${query}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    bar.hidden = false; status.className = '';
    xhr.upload.onprogress = e => {
      if (e.lengthComputable) bar.value = 100 * e.loaded / e.total;
      status.textContent = `uploading ${(e.loaded / 1e6).toFixed(1)} of ${(e.total / 1e6).toFixed(1)} MB`;
    };
    xhr.upload.onload = () => { status.textContent = 'uploaded; cleaning and splitting on the server ...'; };
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || '{}');
      if (xhr.status === 200) window.location = `/corpora/${encodeURIComponent(body.corpusId)}`;
      else { status.textContent = body.error || `failed (${xhr.status})`; status.className = 'error'; }
    };
    xhr.onerror = () => { status.textContent = 'the upload broke off'; status.className = 'error'; };
    xhr.send(file);
  });
}

// --- playground: generation streamed token by token, next-token probabilities, score ---
function playground(form) {
  const out = document.getElementById('generation'), status = document.getElementById('generation-status');
  const value = n => form.elements[n].value;
  let source = null;
  document.getElementById('generate').addEventListener('click', () => {
    if (source) source.close();
    out.replaceChildren(el('span', {class: 'prompt'}, value('prompt')));
    status.textContent = 'generating ...'; status.className = 'muted';
    const query = new URLSearchParams({endpoint: value('endpoint'), prompt: value('prompt'), max_tokens: value('max_tokens'),
      temperature: value('temperature'), seed: value('seed')});
    source = new EventSource(`/playground/generate?${query}`);
    let tokens = 0;
    source.onmessage = event => {
      const t = JSON.parse(event.data);
      if (t.error) { status.textContent = t.error; status.className = 'error'; source.close(); return; }
      if (t.text) { out.appendChild(el('span', {class: 'token', title: `log p ${fmt(num(t.logProbability), 3)}`}, t.text)); tokens++; }
      if (t.finishReason) { status.textContent = `${tokens} tokens, finished: ${t.finishReason}, model ${t.modelVersion || ''}`; source.close(); }
    };
    source.onerror = () => { if (source.readyState !== EventSource.OPEN) { status.textContent = `${tokens} tokens`; source.close(); } };
  });
  const post = (path, fields) => fetch(path, {method: 'POST', headers: {Accept: 'application/json'}, body: new URLSearchParams(fields)}).then(r => r.json());
  document.getElementById('predict').addEventListener('click', () => {
    post('/playground/predict', {endpoint: value('endpoint'), text: value('prompt'), top_k: 10}).then(r => {
      const tbody = document.querySelector('#next-tokens tbody'); tbody.replaceChildren();
      if (r.error) { tbody.appendChild(el('tr', {}, r.error)); return; }
      const top = Math.max(...(r.tokens || []).map(t => num(t.probability)), 1e-12);
      for (const t of r.tokens || []) {
        const tr = el('tr'); tr.appendChild(el('td', {}, t.token));
        const bar = el('td', {class: 'bar'}); bar.appendChild(el('span', {style: `width: ${Math.round(100 * num(t.probability) / top)}%`})); tr.appendChild(bar);
        tr.appendChild(el('td', {class: 'num'}, fmt(num(t.probability), 4))); tbody.appendChild(tr);
      }
    });
  });
  document.getElementById('score').addEventListener('click', () => {
    post('/playground/score', {endpoint: value('endpoint'), text: value('prompt')}).then(r => {
      const result = document.getElementById('score-result'), tbody = document.querySelector('#token-scores tbody');
      tbody.replaceChildren();
      if (r.error) { result.textContent = r.error; result.className = 'error'; return; }
      result.className = '';
      result.textContent = `${fmt(num(r.bitsPerCharacter), 3)} bits per character, perplexity ${fmt(num(r.perplexity), 1)}, model ${r.modelVersion}`;
      for (const t of r.tokens || []) {
        const tr = el('tr'); tr.appendChild(el('td', {}, t.token)); tr.appendChild(el('td', {class: 'num'}, fmt(num(t.logProbability), 3))); tbody.appendChild(tr);
      }
    });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const training = document.querySelector('[data-training-job]');
  if (training) trainingJobPage(training);
  const tuning = document.querySelector('[data-tuning-job]');
  if (tuning) tuningJobPage(tuning);
  const upload = document.querySelector('form[data-upload]');
  if (upload) uploadForm(upload);
  const play = document.getElementById('playground');
  if (play) playground(play);
  if (document.querySelector('[data-live="reload"]')) setTimeout(() => window.location.reload(), 3000);
});
