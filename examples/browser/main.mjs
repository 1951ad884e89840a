// The page: controls, and drawing what the worker reports (loss per term, heat maps).
const $ = (id) => document.getElementById(id);
const status = $('status');
let worker = null;
const history = { pde: [], boundary: [] };

function drawLoss() {
  const c = $('loss'),
    g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const all = [...history.pde, ...history.boundary].filter((v) => v > 0);
  if (all.length < 2) return;
  const lo = Math.log10(Math.min(...all)),
    hi = Math.log10(Math.max(...all));
  const n = Math.max(history.pde.length, 2);
  for (const [name, color] of [
    ['pde', '#d33'],
    ['boundary', '#36c'],
  ]) {
    g.strokeStyle = color;
    g.beginPath();
    history[name].forEach((v, i) => {
      const x = (i / (n - 1)) * (c.width - 10) + 5;
      const y = c.height - 5 - ((Math.log10(v) - lo) / Math.max(1e-9, hi - lo)) * (c.height - 10);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
  }
}

function heatmap(canvas, values, n, lo, hi) {
  const g = canvas.getContext('2d');
  const img = g.createImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const t = Math.min(1, Math.max(0, (values[k] - lo) / (hi - lo || 1)));
    // blue -> white -> red
    const r = t < 0.5 ? 255 * (2 * t) : 255,
      b = t < 0.5 ? 255 : 255 * (2 - 2 * t),
      gr = t < 0.5 ? 255 * (2 * t) : 255 * (2 - 2 * t);
    img.data.set([r, gr, b, 255], 4 * k);
  }
  const off = new OffscreenCanvas(n, n);
  off.getContext('2d').putImageData(img, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function start() {
  history.pde = [];
  history.boundary = [];
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'step') {
      history.pde.push(data.terms.pde);
      history.boundary.push(data.terms.boundary);
      status.textContent = `step ${data.step}   loss ${data.loss.toExponential(3)}   ${data.seconds.toFixed(1)} s`;
      status.dataset.step = data.step;
      status.dataset.first = history.pde.length === 1 ? data.loss : status.dataset.first;
      status.dataset.loss = data.loss;
      drawLoss();
    } else if (data.type === 'field') {
      heatmap($('prediction'), data.u, data.n, 0, 1);
      heatmap($('error'), data.error, data.n, 0, Math.max(...data.error));
      status.dataset.fields = String(Number(status.dataset.fields ?? 0) + 1);
    } else if (data.type === 'done' || data.type === 'error') {
      status.textContent +=
        data.type === 'error'
          ? `   error: ${data.message}`
          : `   done (${data.reason}), relative L2 error ${data.relError.toExponential(2)}`;
      stop();
    }
  };
  worker.postMessage({
    width: Number($('width').value),
    depth: Number($('depth').value),
    activation: $('activation').value,
    optimizer: $('optimizer').value,
  });
  $('start').textContent = 'Stop';
}

function stop() {
  worker?.postMessage('stop');
  worker = null;
  $('start').textContent = 'Start';
}

$('start').addEventListener('click', () => (worker ? stop() : start()));
