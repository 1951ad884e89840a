// The page: controls, and drawing what the worker reports (loss per term, heat maps).
import { heatMap, lineChart } from '../../dist/index.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
let worker = null;
const history = { pde: [], boundary: [] };

// The charts are the library's own SVG plots (the same code the examples use in Node).
function drawLoss() {
  const series = ['pde', 'boundary'].map((name) => ({ name, points: history[name].map((v, i) => [i + 1, v]) }));
  $('loss').innerHTML = lineChart({ title: 'loss per term', series }, { x: 'report', y: 'loss', logY: true, width: 420, height: 260 });
}

function heatmap(id, values, n, title) {
  $(id).innerHTML = heatMap({ values, nx: n, ny: n, x: [0, 1], y: [0, 1], title }, { width: 300, height: 240 });
}

function start() {
  history.pde = [];
  history.boundary = [];
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'threads') {
      $('threads').textContent = data.off ? `one thread: ${data.off}` : `training on ${data.threads} threads`;
      $('threads').dataset.threads = data.threads;
    } else if (data.type === 'step') {
      history.pde.push(data.terms.pde);
      history.boundary.push(data.terms.boundary);
      status.textContent = `step ${data.step}   loss ${data.loss.toExponential(3)}   ${data.seconds.toFixed(1)} s`;
      status.dataset.step = data.step;
      status.dataset.first = history.pde.length === 1 ? data.loss : status.dataset.first;
      status.dataset.loss = data.loss;
      drawLoss();
    } else if (data.type === 'field') {
      heatmap('prediction', data.u, data.n, 'prediction u(x, y)');
      heatmap('error', data.error, data.n, '|u − exact|');
      status.dataset.fields = String(Number(status.dataset.fields ?? 0) + 1);
    } else if (data.type === 'done' || data.type === 'error') {
      status.textContent +=
        data.type === 'error'
          ? `   error: ${data.message}`
          : `   done (${data.reason}), relative L2 error ${data.relError.toExponential(2)}, on ${data.threads} thread${data.threads === 1 ? '' : 's'}`;
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
