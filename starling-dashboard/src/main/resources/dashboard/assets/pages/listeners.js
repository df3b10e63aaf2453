// The node's MQTT listeners: state and connections; stop (no new connections, its clients stay) and start.
import { get, post } from '../api.js';
import { number } from '../format.js';

export const Listeners = {
  data: () => ({ rows: [], error: '', status: '' }),
  template: `
    <section aria-labelledby="listeners-title">
      <h1 id="listeners-title" tabindex="-1">Listeners</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Listeners">
          <thead><tr><th scope="col">Listener</th><th scope="col">Type</th><th scope="col">Address</th>
            <th scope="col">State</th><th scope="col">Connections</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="l in rows" :key="l.id" :data-listener="l.id">
              <td>{{ l.id }}</td><td>{{ l.type }}</td><td>{{ l.host }}:{{ l.port }}</td>
              <td data-field="state">{{ l.running ? 'running' : 'stopped' }}</td><td>{{ number(l.connections) }}</td>
              <td><div class="actions">
                <button v-if="l.running" class="secondary" @click="act(l, 'stop')" :aria-label="'Stop ' + l.id">Stop</button>
                <button v-else @click="act(l, 'start')" :aria-label="'Start ' + l.id">Start</button>
              </div></td>
            </tr>
          </tbody>
        </table>
      </div>
      <p><small>A stopped listener takes no new connections; the clients it has stay connected.</small></p>
    </section>`,
  methods: {
    number,
    async load() {
      try {
        this.rows = await get('/api/v5/listeners');
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },
    async act(l, what) {
      try {
        await post('/api/v5/listeners/' + encodeURIComponent(l.id) + '/' + what);
        this.status = 'Listener ' + l.id + (what === 'stop' ? ' stopped.' : ' started.');
        await this.load();
      } catch (e) {
        this.error = e.message;
      }
    },
  },
  mounted() {
    this.load();
  },
};
