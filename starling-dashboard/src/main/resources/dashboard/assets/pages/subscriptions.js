// Subscriptions of every node, the client id beside each: by the exact filter, by a topic they match, by client.
import { query } from '../api.js';
import { Pager, loadInto } from './pager.js';

const LIMIT = 50;

export const Subscriptions = {
  components: { Pager },
  data: () => ({ filters: { topic: '', match_topic: '', clientid: '' }, rows: [], meta: { page: 1, limit: LIMIT }, error: '' }),
  template: `
    <section aria-labelledby="subs-title">
      <h1 id="subs-title" tabindex="-1">Subscriptions</h1>
      <form class="filters" @submit.prevent="load(1)" aria-label="Search subscriptions">
        <label for="s-topic">Filter (exactly) <input id="s-topic" v-model.trim="filters.topic" placeholder="sensors/+/temp"></label>
        <label for="s-match">Matching topic <input id="s-match" v-model.trim="filters.match_topic" placeholder="sensors/1/temp"></label>
        <label for="s-client">Client id <input id="s-client" v-model.trim="filters.clientid"></label>
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Subscriptions">
          <thead><tr><th scope="col">Filter</th><th scope="col">Client id</th><th scope="col">QoS</th>
            <th scope="col">No local</th><th scope="col">Retain as published</th><th scope="col">Retain handling</th>
            <th scope="col">Node</th></tr></thead>
          <tbody>
            <tr v-for="s in rows" :key="s.node + s.clientid + s.topic">
              <td>{{ s.topic }}</td><td><a :href="'#/clients'" @click="remember(s.clientid)">{{ s.clientid }}</a></td>
              <td>{{ s.qos }}</td><td>{{ s.nl }}</td><td>{{ s.rap }}</td><td>{{ s.rh }}</td><td>{{ s.node }}</td>
            </tr>
            <tr v-if="rows.length === 0"><td colspan="7">No subscriptions match.</td></tr>
          </tbody>
        </table>
      </div>
      <Pager :page="meta.page" :limit="meta.limit" :count="meta.count" label="Pages of subscriptions" @go="load"></Pager>
    </section>`,
  methods: {
    load(page) {
      return loadInto(this, '/api/v5/subscriptions' + query({ ...this.filters, page, limit: LIMIT }));
    },
    remember(clientid) {
      sessionStorage.setItem('starling.clients.search', clientid);
    },
  },
  mounted() {
    this.load(1);
  },
};
