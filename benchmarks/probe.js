// Injected into every benchmark page before Streamlit loads (context.add_init_script).
// It timestamps, in the page's own clock (performance.now()):
//   - the key press (keydown, capture phase),
//   - every change of stApp's data-test-script-state (initial -> running -> notRunning),
//   - every change inside a chart: DOM mutations in a Vega-Lite or Graphviz chart or an st.image
//     (Vega draws small charts as SVG), every draw call on a canvas inside a chart (Vega
//     switches to a canvas above 2 000 data rows) and every image load (st.image fetches its
//     picture over HTTP after the rerun),
//   - every change of the controls bar captions (the app's "d_head = …" line: the rerun's new output),
//   - any DOM change at all (for "page fully drawn" after a first load),
// and, for chart changes, the next animation frame: the frame that shows the change.
// Streamlit loads the code of some elements (charts, dataframes) on first use and shows a
// skeleton (stSkeleton) meanwhile: a page with a skeleton is not drawn yet, idle or not.
(() => {
  if (window.__bench) return;
  const CHART = '[data-testid="stVegaLiteChart"], [data-testid="stGraphVizChart"], ' +
    '[data-testid="stImage"]';
  const CAPTION = '.st-key-main_controls [data-testid="stCaptionContainer"]';
  const SKELETON = '[data-testid="stSkeleton"]';
  const B = (window.__bench = {
    keyAt: null, lastChart: 0, lastChartFrame: 0, lastCaption: 0, lastState: 0, lastAny: 0,
    states: [],
  });
  let chartFramePending = false;
  const chartChanged = () => {
    B.lastChart = performance.now();
    if (!chartFramePending) {
      chartFramePending = true;
      requestAnimationFrame(() => { chartFramePending = false; B.lastChartFrame = performance.now(); });
    }
  };
  const elementOf = (node) => (node && node.nodeType === 1 ? node : node && node.parentElement);
  const inChart = (node) => { const el = elementOf(node); return !!(el && el.closest(CHART)); };
  const holdsChart = (node) => node.nodeType === 1 && (node.matches(CHART) || !!node.querySelector(CHART));

  // Canvas draw calls: cheap check, the chart a canvas belongs to is looked up once.
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect', 'strokeRect', 'fill', 'stroke', 'fillText',
                      'strokeText', 'drawImage', 'putImageData']) {
    const original = proto[name];
    proto[name] = function (...args) {
      const canvas = this.canvas;
      if (canvas.__benchChart === undefined && canvas.isConnected) {
        canvas.__benchChart = canvas.closest(CHART) ? 1 : 0;
      }
      if (canvas.__benchChart) chartChanged();
      return original.apply(this, args);
    };
  }

  // The script state has its own observer, filtered by attribute: cheap.
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      B.states.push([r.target.getAttribute('data-test-script-state'), now]);
      B.lastState = now;
    }
  }).observe(document, { subtree: true, attributes: true,
                         attributeFilter: ['data-test-script-state'] });

  // Everything else: the probe runs on the page's own main thread, so it must stay cheap. A
  // chart redraw is a batch of hundreds of records; one record in a chart (or one caption
  // record) is enough to timestamp the batch, so the scan stops as soon as both are known.
  new MutationObserver((records) => {
    const now = performance.now();
    B.lastAny = now;
    let chart = false, caption = false;
    for (const r of records) {
      const el = elementOf(r.target);
      if (!el) continue;
      if (!caption && el.closest(CAPTION)) { caption = true; B.lastCaption = now; }
      if (!chart && (inChart(el) || (r.type === 'childList' &&
          ([...r.addedNodes].some(holdsChart) || [...r.removedNodes].some(holdsChart))))) {
        chart = true;
        chartChanged();
      }
      if (chart && caption) break;
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  document.addEventListener('load', (event) => {
    if (event.target.tagName === 'IMG' && inChart(event.target)) chartChanged();
  }, true);

  document.addEventListener('keydown', () => { B.keyAt = performance.now(); }, true);

  B.caption = () => [...document.querySelectorAll(CAPTION)].map((e) => e.textContent).join(' | ');
  B.scriptState = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };

  // A signature of what each chart shows: a hash of its canvas pixels, of its SVG markup
  // without the ids that Vega numbers afresh on every render, or the address of its picture.
  const hashString = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h = Math.imul(h ^ s.charCodeAt(i), 16777619); } return h >>> 0; };
  const chartSignature = (chart) => {
    const images = chart.querySelectorAll('img');
    if (images.length) {
      if ([...images].some((img) => !img.complete || !img.naturalWidth)) return 'blank';
      return 'i' + hashString([...images].map((img) => img.src).join(' '));
    }
    const canvases = chart.querySelectorAll('canvas');
    if (canvases.length) {
      let h = 2166136261, ink = 0;
      for (const c of canvases) {
        if (!c.width || !c.height) continue;
        const px = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
        for (let i = 0; i < px.length; i += 3) { h = Math.imul(h ^ px[i], 16777619); if (px[i]) ink++; }
      }
      return ink ? 'c' + (h >>> 0) : 'blank';
    }
    const svg = chart.querySelector('svg');
    if (!svg) return 'blank';
    return 's' + hashString(svg.outerHTML.replace(/ id="[^"]*"|url\(#[^)]*\)|href="#[^"]*"/g, ''));
  };
  B.signatures = () => [...document.querySelectorAll(CHART)].map(chartSignature);

  // Before a key press: remember what the page shows now.
  B.arm = () => {
    B.keyAt = null;
    B.caption0 = B.caption();
    B.signatures0 = B.signatures();
    B.states = [];
    return B.signatures0.length;
  };

  // After a press is over: how many charts show something else than before it. Separate from
  // waitRerun so that the hashing (canvas pixels, SVG markup) is not counted in the browser's
  // CPU time per press: it is the probe's work, not the app's.
  B.compare = () => {
    const after = B.signatures();
    const before = B.signatures0;
    return { charts: after.length, changed: after.filter((s, i) => s !== before[i]).length,
             blank: after.filter((s) => s === 'blank').length };
  };

  // After the press: resolve once the rerun's new output is there (the sidebar caption changed),
  // the app is idle (notRunning) and no chart has changed for `quietMs`. The time reported is
  // the animation frame that showed the last change (chart, caption or idle state).
  B.waitRerun = (quietMs, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      const fresh = B.keyAt !== null && B.caption() !== B.caption0;
      const idle = B.scriptState() === 'notRunning' && !document.querySelector(SKELETON);
      if (fresh && idle) {
        const last = Math.max(B.lastChartFrame, B.lastChart, B.lastCaption, B.lastState);
        if (now - last >= quietMs) {
          const idleAt = B.states.filter(([s]) => s === 'notRunning').map(([, t]) => t).pop();
          resolve({ ok: true, latency: last - B.keyAt, doneAt: last, keyAt: B.keyAt,
                    idle: idleAt === undefined ? null : idleAt - B.keyAt,
                    sawRunning: B.states.some(([s]) => s === 'running') });
          return;
        }
      }
      if (now - start > timeoutMs) {
        resolve({ ok: false, fresh, idle, keyAt: B.keyAt, caption: B.caption() });
        return;
      }
      setTimeout(tick, 25);
    };
    tick();
  });

  // A first load: idle, a title drawn, no skeleton left, and nothing in the page changed for
  // `quietMs`; the time reported is that of the last change (or its animation frame).
  B.waitLoaded = (quietMs, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      const idle = B.scriptState() === 'notRunning' && !!document.querySelector('h1') &&
        !document.querySelector(SKELETON);
      if (idle) {
        const last = Math.max(B.lastChartFrame, B.lastChart, B.lastState, B.lastAny);
        if (now - last >= quietMs) {
          const signatures = B.signatures();
          resolve({ ok: true, doneAt: last, epochMs: performance.timeOrigin + last,
                    charts: signatures.length, blank: signatures.filter((s) => s === 'blank').length,
                    errors: document.querySelectorAll('[data-testid="stException"]').length });
          return;
        }
      }
      if (now - start > timeoutMs) {
        resolve({ ok: false, state: B.scriptState() });
        return;
      }
      setTimeout(tick, 25);
    };
    tick();
  });
})();
