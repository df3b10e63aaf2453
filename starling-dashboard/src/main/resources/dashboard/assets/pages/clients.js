// Clients of every node: search by client id (part of it), user name or address, connected or not, listener,
// protocol (MQTT or STOMP) and backlog (at least N queued or in flight); paged; the detail of one with its subscriptions and queues; kick (after a second click that confirms it).
import { get, del, query } from '../api.js';
import { number, time, duration } from '../format.js';
import { Pager, loadInto } from './pager.js';
import { ConfirmButton } from './confirm.js';

const LIMIT = 20;

export const Clients = {
  components: { Pager, ConfirmButton },
  data: () => ({
    title: 'Clients',
    filters: { like_clientid: '', username: '', ip_address: '', conn_state: '', listener: '', proto_name: '',
      min_queued: '', min_inflight: '', min_dropped: '' },
    rows: [], meta: { page: 1, limit: LIMIT }, error: '', status: '',
    detail: null, detailSubs: [],
  }),
  template: `
    <section aria-labelledby="clients-title">
      <h1 id="clients-title" tabindex="-1">{{ title }}</h1>
      <form class="filters" @submit.prevent="load(1)" aria-label="Search clients">
        <label for="c-id">Client id contains <input id="c-id" name="clientid" v-model.trim="filters.like_clientid"></label>
        <label for="c-user">Username <input id="c-user" v-model.trim="filters.username"></label>
        <label for="c-ip">IP address <input id="c-ip" v-model.trim="filters.ip_address"></label>
        <label for="c-state">State
          <select id="c-state" v-model="filters.conn_state">
            <option value="">Any</option><option value="connected">Connected</option>
            <option value="disconnected">Disconnected</option>
          </select></label>
        <label for="c-listener">Listener <input id="c-listener" v-model.trim="filters.listener" placeholder="tcp:default"></label>
        <label for="c-proto">Protocol
          <select id="c-proto" v-model="filters.proto_name">
            <option value="">Any</option><option value="MQTT">MQTT</option><option value="STOMP">STOMP</option>
          </select></label>
        <label for="c-queued">Queued at least <input id="c-queued" type="number" min="0" v-model="filters.min_queued"></label>
        <label for="c-inflight">In flight at least <input id="c-inflight" type="number" min="0" v-model="filters.min_inflight"></label>
        <label for="c-dropped">Dropped at least <input id="c-dropped" type="number" min="0" v-model="filters.min_dropped"></label>
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Clients">
          <thead><tr><th scope="col">Client id</th><th scope="col">Username</th><th scope="col">Address</th>
            <th scope="col">Protocol</th><th scope="col">Listener</th><th scope="col">Connected at</th>
            <th scope="col">Subs</th><th scope="col">Queue</th><th scope="col">In-flight</th><th scope="col">Dropped</th><th scope="col">Node</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="c in rows" :key="c.node + c.clientid" :data-clientid="c.clientid">
              <td><a href="#/clients" @click.prevent="show(c)">{{ c.clientid }}</a></td>
              <td>{{ c.username ?? '' }}</td><td>{{ c.ip_address ? c.ip_address + ':' + c.port : '' }}</td>
              <td>{{ protocolOf(c) }}</td><td>{{ c.listener ?? '' }}</td>
              <td>{{ c.connected ? time(c.connected_at) : 'disconnected' }}</td>
              <td>{{ number(c.subscriptions_cnt) }}</td><td>{{ number(c.mqueue_len) }}</td><td>{{ number(c.inflight_cnt) }}</td><td>{{ number(c.dropped_cnt) }}</td>
              <td>{{ c.node }}</td>
              <td><ConfirmButton v-if="c.connected" label="Kick" confirm="Kick it" :target="c.clientid"
                                 @confirmed="kick(c)"></ConfirmButton></td>
            </tr>
            <tr v-if="rows.length === 0"><td colspan="11">No clients match.</td></tr>
          </tbody>
        </table>
      </div>
      <Pager :page="meta.page" :limit="meta.limit" :count="meta.count" label="Pages of clients" @go="load"></Pager>
      <article v-if="detail" class="detail" aria-labelledby="client-detail-title">
        <header><h2 id="client-detail-title" tabindex="-1">Client {{ detail.clientid }}</h2></header>
        <dl>
          <template v-for="(v, k) in detail" :key="k"><dt>{{ k }}</dt><dd>{{ v }}</dd></template>
        </dl>
        <h3>Subscriptions</h3>
        <div class="overflow-auto">
          <table><thead><tr><th scope="col">Filter</th><th scope="col">QoS</th><th scope="col">No local</th>
            <th scope="col">Retain as published</th><th scope="col">Retain handling</th></tr></thead>
            <tbody><tr v-for="s in detailSubs" :key="s.topic"><td>{{ s.topic }}</td><td>{{ s.qos }}</td><td>{{ s.nl }}</td>
              <td>{{ s.rap }}</td><td>{{ s.rh }}</td></tr>
              <tr v-if="detailSubs.length === 0"><td colspan="5">None.</td></tr></tbody></table>
        </div>
        <footer><button class="secondary" @click="detail = null">Close</button></footer>
      </article>
    </section>`,
  methods: {
    number, time, duration,
    protocolOf(c) {
      if (!c.proto_name) {
        return '';
      }
      return c.proto_name === 'MQTT' ? 'MQTT ' + ({ 3: '3.1', 4: '3.1.1', 5: '5.0' }[c.proto_ver] ?? c.proto_ver)
        : c.proto_name + (c.proto_ver ? ' ' + (c.proto_ver / 10).toFixed(1) : ''); // STOMP: 12 is 1.2
    },
    load(page) {
      return loadInto(this, '/api/v5/clients' + query({ ...this.filters, page, limit: LIMIT }));
    },
    async show(c) {
      try {
        const id = encodeURIComponent(c.clientid);
        this.detail = await get('/api/v5/clients/' + id);
        this.detailSubs = c.connected || c.subscriptions_cnt ? await get('/api/v5/clients/' + id + '/subscriptions') : [];
        this.$nextTick(() => document.getElementById('client-detail-title')?.focus());
      } catch (e) {
        this.error = e.message;
      }
    },
    async kick(c) {
      try {
        await del('/api/v5/clients/' + encodeURIComponent(c.clientid));
        this.status = 'Client ' + c.clientid + ' was disconnected.';
        if (this.detail?.clientid === c.clientid) {
          this.detail = null;
        }
        await this.load(this.meta.page);
      } catch (e) {
        this.error = e.message;
      }
    },
  },
  mounted() {
    // From a client id on the subscriptions page.
    const wanted = sessionStorage.getItem('starling.clients.search');
    if (wanted) {
      sessionStorage.removeItem('starling.clients.search');
      this.filters.like_clientid = wanted;
    }
    this.load(1);
  },
};

// The STOMP sessions: the clients page with its protocol filter set to STOMP (a STOMP connection is a client
// like an MQTT one, with its subscriptions and queue).
export const StompClients = {
  ...Clients,
  data: () => {
    const d = Clients.data();
    d.title = 'STOMP sessions';
    d.filters.proto_name = 'STOMP';
    return d;
  },
};
