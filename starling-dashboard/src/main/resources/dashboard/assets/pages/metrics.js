// Every stat and metric the node publishes under $SYS/brokers/<node>/ (docs/management.md), refreshed every
// five seconds, with a filter on the names.
import { get } from '../api.js';
import { number } from '../format.js';
import { refreshedEvery } from './polling.js';

const INTERVAL_MS = 5000;

export const Metrics = {
  mixins: [refreshedEvery(INTERVAL_MS)],
  data: () => ({ stats: {}, metrics: {}, filter: '', error: '' }),
  template: `
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title" tabindex="-1">Metrics</h1>
      <p>What the node publishes as <code>$SYS/brokers/&lt;node&gt;/stats/...</code> and <code>.../metrics/...</code>;
        Prometheus scrapes the same at <code>/metrics</code>.</p>
      <label for="m-filter">Names containing <input id="m-filter" v-model.trim="filter" type="search" placeholder="dropped"></label>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <div class="grid">
        <div class="overflow-auto">
          <table class="striped" aria-label="Stats">
            <thead><tr><th scope="col">Stat (held now)</th><th scope="col">Value</th></tr></thead>
            <tbody><tr v-for="[k, v] in shown(stats)" :key="k" :data-metric="k"><td>{{ k }}</td><td>{{ number(v) }}</td></tr></tbody>
          </table>
        </div>
        <div class="overflow-auto">
          <table class="striped" aria-label="Metrics">
            <thead><tr><th scope="col">Metric (since start)</th><th scope="col">Value</th></tr></thead>
            <tbody><tr v-for="[k, v] in shown(metrics)" :key="k" :data-metric="k"><td>{{ k }}</td><td>{{ number(v) }}</td></tr></tbody>
          </table>
        </div>
      </div>
    </section>`,
  methods: {
    number,
    shown(values) {
      return Object.entries(values).filter(([k]) => k.includes(this.filter));
    },
    async load() {
      try {
        [this.stats, this.metrics] = await Promise.all([get('/api/v5/stats'), get('/api/v5/metrics')]);
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },
  },
};
