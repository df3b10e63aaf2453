// The node at a glance: who it is, what it holds, and messages in, out and dropped per second as a live chart,
// with the messages it dropped by reason. Polls the REST API every two seconds while the page is shown.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { get } from '../api.js';
import { number, rate, duration, bytes } from '../format.js';

const INTERVAL_MS = 2000;
const POINTS = 90;

export const Overview = {
  data: () => ({ nodes: [], stats: {}, rates: { in: null, out: null, dropped: null }, drops: [], error: '' }),
  template: `
    <section aria-labelledby="overview-title">
      <h1 id="overview-title" tabindex="-1">Overview</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <div class="cards" aria-label="This node">
        <article><div class="label">Node</div><div class="value" data-field="node">{{ self.node ?? '–' }}</div></article>
        <article><div class="label">Version</div><div class="value" data-field="version">{{ self.version ?? '–' }}</div></article>
        <article><div class="label">Uptime</div><div class="value" data-field="uptime">{{ duration(self.uptime_seconds) }}</div></article>
        <article><div class="label">Connections</div><div class="value" data-field="connections">{{ number(stats['connections.count']) }}</div></article>
        <article><div class="label">Sessions</div><div class="value" data-field="sessions">{{ number(stats['sessions.count']) }}</div></article>
        <article><div class="label">Subscriptions</div><div class="value" data-field="subscriptions">{{ number(stats['subscriptions.count']) }}</div></article>
        <article><div class="label">Retained</div><div class="value" data-field="retained">{{ number(stats['retained.count']) }}</div></article>
        <article><div class="label">Heap</div><div class="value">{{ bytes(self.heap_used_bytes) }}</div></article>
      </div>
      <h2>Messages per second</h2>
      <p>In <strong data-field="rate-in">{{ rate(rates.in) }}</strong> · out <strong data-field="rate-out">{{ rate(rates.out) }}</strong>
        · dropped <strong>{{ rate(rates.dropped) }}</strong></p>
      <div ref="chart" class="chart" role="img" aria-label="Messages received, sent and dropped per second, last three minutes"></div>
      <h2>Dropped messages by reason</h2>
      <div class="overflow-auto">
        <table class="striped">
          <thead><tr><th scope="col">Reason</th><th scope="col">Since start</th><th scope="col">Per second</th></tr></thead>
          <tbody>
            <tr v-for="d in drops" :key="d.reason"><td>{{ d.reason }}</td><td>{{ number(d.total) }}</td><td>{{ rate(d.rate) }}</td></tr>
          </tbody>
        </table>
      </div>
      <h2 v-if="nodes.length > 1">Nodes</h2>
      <div class="overflow-auto" v-if="nodes.length > 1">
        <table class="striped">
          <thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Uptime</th><th scope="col">Connections</th></tr></thead>
          <tbody><tr v-for="n in nodes" :key="n.node"><td>{{ n.node }}</td><td>{{ n.node_status }}</td><td>{{ n.version }}</td>
            <td>{{ duration(n.uptime_seconds) }}</td><td>{{ number(n.connections) }}</td></tr></tbody>
        </table>
      </div>
    </section>`,
  computed: {
    self() {
      return this.nodes.find((n) => n.self) ?? this.nodes[0] ?? {};
    },
  },
  methods: {
    number, rate, duration, bytes,
    async poll() {
      try {
        const [nodes, stats, metrics] = await Promise.all([get('/api/v5/nodes'), get('/api/v5/stats'), get('/api/v5/metrics')]);
        this.nodes = nodes;
        this.stats = stats;
        this.error = '';
        this.sample(metrics);
      } catch (e) {
        this.error = e.message;
      }
    },
    sample(metrics) {
      const now = Date.now() / 1000;
      const last = this.last;
      this.last = { at: now, metrics };
      const reasons = Object.keys(metrics).filter((k) => k.startsWith('messages.dropped.'));
      const per = (key) => (last ? Math.max(0, (metrics[key] - (last.metrics[key] ?? 0)) / (now - last.at)) : null);
      this.drops = reasons.map((k) => ({ reason: k.substring('messages.dropped.'.length), total: metrics[k], rate: per(k) }));
      if (!last) {
        return;
      }
      this.rates = { in: per('messages.received'), out: per('messages.sent'), dropped: per('messages.dropped') };
      const values = [now, this.rates.in, this.rates.out, this.rates.dropped];
      this.series.forEach((s, k) => {
        s.push(values[k]);
        if (s.length > POINTS) {
          s.shift();
        }
      });
      this.plot?.setData(this.series);
      this.$refs.chart.dataset.points = this.series[0].length;
    },
    ink() {
      return getComputedStyle(document.body).color;
    },
    resize() {
      this.plot?.setSize({ width: this.$refs.chart.clientWidth, height: 260 });
    },
  },
  mounted() {
    this.series = [[], [], [], []];
    this.plot = new uPlot({
      width: this.$refs.chart.clientWidth || 600,
      height: 260,
      series: [{}, { label: 'in', stroke: '#1e88e5', width: 2 }, { label: 'out', stroke: '#43a047', width: 2 },
        { label: 'dropped', stroke: '#e53935', width: 2, dash: [6, 4] }],
      // The page's own text colour, so that the axes read in the dark theme too.
      axes: [{ stroke: this.ink(), grid: { stroke: 'rgba(128,128,128,.25)' } },
        { label: 'msg/s', stroke: this.ink(), grid: { stroke: 'rgba(128,128,128,.25)' } }],
      scales: {
        // The last three minutes, however few samples there are yet.
        x: { time: true, range: (u, min, max) => [max - (POINTS * INTERVAL_MS) / 1000, max] },
        y: { range: (u, min, max) => [0, Math.max(1, max)] },
      },
    }, this.series, this.$refs.chart);
    this.onResize = () => this.resize();
    window.addEventListener('resize', this.onResize);
    this.poll();
    this.timer = setInterval(() => this.poll(), INTERVAL_MS);
  },
  unmounted() {
    clearInterval(this.timer);
    window.removeEventListener('resize', this.onResize);
    this.plot?.destroy();
  },
};
