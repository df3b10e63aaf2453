// Retained messages: browse by filter (a page of a large set is walked by the node, never read whole); the
// payload of one as text, hex or JSON; delete one (after a second click that confirms it).
import { get, del, query, topicPath } from '../api.js';
import { time, base64ToBytes, utf8, hexDump, prettyJson, bytes } from '../format.js';
import { Pager, loadInto } from './pager.js';
import { ConfirmButton } from './confirm.js';

const LIMIT = 50;

export const Retained = {
  components: { Pager, ConfirmButton },
  data: () => ({
    filter: '#', rows: [], meta: { page: 1, limit: LIMIT }, error: '', status: '',
    message: null, view: 'text',
  }),
  template: `
    <section aria-labelledby="retained-title">
      <h1 id="retained-title" tabindex="-1">Retained messages</h1>
      <form class="filters" @submit.prevent="load(1)" aria-label="Search retained messages">
        <label for="r-filter">Topic filter <input id="r-filter" v-model.trim="filter" required></label>
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Retained messages">
          <thead><tr><th scope="col">Topic</th><th scope="col">QoS</th><th scope="col">Published at</th>
            <th scope="col">Expiry (s)</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="m in rows" :key="m.topic" :data-topic="m.topic">
              <td><a href="#/retained" @click.prevent="show(m.topic)">{{ m.topic }}</a></td><td>{{ m.qos }}</td>
              <td>{{ time(m.published_at) }}</td><td>{{ m.message_expiry_interval ?? '' }}</td>
              <td><ConfirmButton label="Delete" confirm="Delete it" :target="m.topic" @confirmed="remove(m.topic)"></ConfirmButton></td>
            </tr>
            <tr v-if="rows.length === 0"><td colspan="5">No retained messages match.</td></tr>
          </tbody>
        </table>
      </div>
      <Pager :page="meta.page" :limit="meta.limit" :hasnext="meta.hasnext" label="Pages of retained messages" @go="load"></Pager>
      <article v-if="message" aria-labelledby="payload-title">
        <header><h2 id="payload-title" tabindex="-1">{{ message.topic }}</h2>
          <small>QoS {{ message.qos }} · {{ bytes(message.payload_size) }} · {{ time(message.published_at) }}
            <template v-if="message.content_type"> · {{ message.content_type }}</template></small></header>
        <div class="tabs" role="group" aria-label="Show the payload as">
          <button v-for="v in ['text', 'hex', 'json']" :key="v" class="small"
                  :aria-pressed="view === v ? 'true' : 'false'" @click="view = v">{{ v.toUpperCase() }}</button>
        </div>
        <pre class="payload" data-field="payload" tabindex="0" aria-label="Payload">{{ shown }}</pre>
        <footer><button class="secondary" @click="message = null">Close</button></footer>
      </article>
    </section>`,
  computed: {
    payload() {
      return this.message ? base64ToBytes(this.message.payload) : new Uint8Array();
    },
    shown() {
      const text = utf8(this.payload);
      if (this.view === 'hex') {
        return hexDump(this.payload);
      }
      if (this.view === 'json') {
        return prettyJson(text) ?? '(not JSON)';
      }
      return text ?? '(not UTF-8 text: see HEX)';
    },
  },
  methods: {
    time, bytes,
    load(page) {
      return loadInto(this, '/api/v5/retained' + query({ topic: this.filter, page, limit: LIMIT }));
    },
    async show(topic) {
      try {
        this.message = await get('/api/v5/retained/' + topicPath(topic));
        this.view = prettyJson(utf8(this.payload)) !== null ? 'json' : utf8(this.payload) !== null ? 'text' : 'hex';
        this.$nextTick(() => document.getElementById('payload-title')?.focus());
      } catch (e) {
        this.error = e.message;
      }
    },
    async remove(topic) {
      try {
        await del('/api/v5/retained/' + topicPath(topic));
        this.status = 'The retained message on ' + topic + ' was deleted.';
        if (this.message?.topic === topic) {
          this.message = null;
        }
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
