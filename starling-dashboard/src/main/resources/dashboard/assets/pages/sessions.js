// Sessions of every node, persistent ones of clients that are offline included: queue, in-flight, expiry; clear
// one (a second click confirms), which ends it wherever it is.
import { del, query } from '../api.js';
import { number } from '../format.js';
import { Pager, loadInto } from './pager.js';
import { ConfirmButton } from './confirm.js';

const LIMIT = 20;

export const Sessions = {
  components: { Pager, ConfirmButton },
  data: () => ({
    filters: { like_clientid: '', conn_state: '' }, rows: [], meta: { page: 1, limit: LIMIT }, error: '', status: '',
  }),
  template: `
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title" tabindex="-1">Sessions</h1>
      <form class="filters" @submit.prevent="load(1)" aria-label="Search sessions">
        <label for="se-id">Client id contains <input id="se-id" v-model.trim="filters.like_clientid"></label>
        <label for="se-state">Client
          <select id="se-state" v-model="filters.conn_state">
            <option value="">Connected or not</option><option value="connected">Connected</option>
            <option value="disconnected">Offline</option>
          </select></label>
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Sessions">
          <thead><tr><th scope="col">Client id</th><th scope="col">Client</th><th scope="col">Stored (survives a restart)</th>
            <th scope="col">Expiry (s)</th><th scope="col">Subscriptions</th><th scope="col">Queue</th>
            <th scope="col">In-flight</th><th scope="col">QoS 2 awaiting release</th><th scope="col">Node</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="s in rows" :key="s.node + s.clientid" :data-session="s.clientid">
              <td>{{ s.clientid }}</td><td>{{ s.connected ? 'connected' : 'offline' }}</td>
              <td>{{ s.durable ? 'yes' : 'no' }}</td><td>{{ s.expiry_interval }}</td>
              <td>{{ number(s.subscriptions?.length) }}</td><td>{{ number(s.mqueue_len) }}</td>
              <td>{{ number(s.inflight_cnt) }}</td><td>{{ number(s.awaiting_rel_cnt) }}</td><td>{{ s.node }}</td>
              <td><ConfirmButton label="Clear" confirm="Clear it" :target="'the session of ' + s.clientid"
                                 @confirmed="clear(s)"></ConfirmButton></td>
            </tr>
            <tr v-if="rows.length === 0"><td colspan="10">No sessions match.</td></tr>
          </tbody>
        </table>
      </div>
      <Pager :page="meta.page" :limit="meta.limit" :count="meta.count" label="Pages of sessions" @go="load"></Pager>
    </section>`,
  methods: {
    number,
    load(page) {
      return loadInto(this, '/api/v5/sessions' + query({ ...this.filters, page, limit: LIMIT }));
    },
    async clear(s) {
      try {
        await del('/api/v5/sessions/' + encodeURIComponent(s.clientid));
        this.status = 'The session of ' + s.clientid + ' was cleared.';
        await this.load(this.meta.page);
      } catch (e) {
        this.error = e.message;
      }
    },
  },
  mounted() {
    this.load(1);
  },
};
