// The plugins found in the node's plugins/ folder: load and unload them at run time.
import { get, post } from '../api.js';

export const Plugins = {
  data: () => ({ rows: [], error: '', status: '', busy: null }),
  template: `
    <section aria-labelledby="plugins-title">
      <h1 id="plugins-title" tabindex="-1">Plugins</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Plugins">
          <thead><tr><th scope="col">Plugin</th><th scope="col">Version</th><th scope="col">Description</th>
            <th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="p in rows" :key="p.name" :data-plugin="p.name">
              <td>{{ p.name }}</td><td>{{ p.version }}</td><td>{{ p.description }}</td>
              <td data-field="state">{{ p.loaded ? 'loaded' : 'not loaded' }}</td>
              <td><div class="actions">
                <button v-if="p.loaded" class="secondary" :aria-busy="busy === p.name" @click="act(p, 'unload')"
                        :aria-label="'Unload ' + p.name">Unload</button>
                <button v-else :aria-busy="busy === p.name" @click="act(p, 'load')" :aria-label="'Load ' + p.name">Load</button>
              </div></td>
            </tr>
            <tr v-if="rows.length === 0"><td colspan="5">No plugins in the node's plugins folder.</td></tr>
          </tbody>
        </table>
      </div>
    </section>`,
  methods: {
    async load() {
      try {
        this.rows = await get('/api/v5/plugins');
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },
    async act(p, what) {
      this.busy = p.name;
      this.error = '';
      try {
        await post('/api/v5/plugins/' + encodeURIComponent(p.name) + '/' + what);
        this.status = 'Plugin ' + p.name + (what === 'load' ? ' loaded.' : ' unloaded.');
        await this.load();
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = null;
      }
    },
  },
  mounted() {
    this.load();
  },
};
