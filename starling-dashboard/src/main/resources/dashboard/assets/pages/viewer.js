// A live topic viewer: the browser itself subscribes over MQTT over WebSocket (Paho's JavaScript client, from
// its WebJar) to the node's WebSocket listener, as any MQTT client, with the MQTT credentials typed here (the
// dashboard's login is not an MQTT login). The newest messages first; the oldest go beyond MAX_MESSAGES.
import { get } from '../api.js';
import { utf8 } from '../format.js';

const MAX_MESSAGES = 200;

export const Viewer = {
  data: () => ({
    url: '', filter: '#', qos: 0, username: '', password: '',
    state: 'disconnected', messages: [], error: '', subscribed: [],
  }),
  template: `
    <section aria-labelledby="viewer-title">
      <h1 id="viewer-title" tabindex="-1">Topic viewer</h1>
      <form class="filters" @submit.prevent="connect" aria-label="Connect the viewer" v-if="state !== 'connected'">
        <label for="v-url">WebSocket URL <input id="v-url" v-model.trim="url" required></label>
        <label for="v-user">MQTT username <input id="v-user" v-model.trim="username" autocomplete="off"></label>
        <label for="v-password">MQTT password <input id="v-password" type="password" v-model="password" autocomplete="off"></label>
        <button type="submit" :aria-busy="state === 'connecting'" :disabled="state === 'connecting'">Connect</button>
      </form>
      <form class="filters" @submit.prevent="subscribe" aria-label="Subscribe the viewer" v-else>
        <label for="v-filter">Topic filter <input id="v-filter" v-model.trim="filter" required></label>
        <label for="v-qos">QoS <select id="v-qos" v-model.number="qos"><option :value="0">0</option>
          <option :value="1">1</option><option :value="2">2</option></select></label>
        <button type="submit">Subscribe</button>
        <button type="button" class="secondary" @click="disconnect">Disconnect</button>
      </form>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p role="status" data-field="viewer-state">{{ describe }}</p>
      <div class="overflow-auto">
        <table class="striped" aria-label="Messages received" aria-live="polite">
          <thead><tr><th scope="col">Time</th><th scope="col">Topic</th><th scope="col">QoS</th>
            <th scope="col">Retained</th><th scope="col">Payload</th></tr></thead>
          <tbody>
            <tr v-for="m in messages" :key="m.n"><td>{{ m.time }}</td><td>{{ m.topic }}</td><td>{{ m.qos }}</td>
              <td>{{ m.retained ? 'yes' : '' }}</td><td class="payload-cell">{{ m.payload }}</td></tr>
            <tr v-if="messages.length === 0"><td colspan="5">No messages yet.</td></tr>
          </tbody>
        </table>
      </div>
    </section>`,
  computed: {
    describe() {
      if (this.state !== 'connected') {
        return this.state === 'connecting' ? 'Connecting…' : 'Not connected.';
      }
      return this.subscribed.length === 0 ? 'Connected: subscribe to a topic filter.'
        : 'Connected, subscribed to ' + this.subscribed.join(', ') + '.';
    },
  },
  methods: {
    connect() {
      if (!window.Paho) {
        this.error = 'the MQTT client (paho-mqtt) did not load';
        return;
      }
      this.error = '';
      this.state = 'connecting';
      const id = 'dashboard-viewer-' + Math.random().toString(16).slice(2, 10);
      const client = new window.Paho.Client(this.url, id);
      client.onMessageArrived = (m) => this.arrived(m);
      client.onConnectionLost = (r) => {
        this.state = 'disconnected';
        this.subscribed = [];
        if (r.errorCode !== 0) {
          this.error = 'connection lost: ' + r.errorMessage;
        }
      };
      const options = {
        timeout: 10,
        mqttVersion: 4,
        useSSL: this.url.startsWith('wss:'),
        onSuccess: () => {
          this.state = 'connected';
        },
        onFailure: (e) => {
          this.state = 'disconnected';
          this.error = 'cannot connect: ' + e.errorMessage;
        },
      };
      if (this.username) {
        options.userName = this.username;
        options.password = this.password;
      }
      this.client = client;
      client.connect(options);
    },
    subscribe() {
      const filter = this.filter;
      this.client.subscribe(filter, {
        qos: this.qos,
        onSuccess: (r) => {
          if (r.grantedQos && r.grantedQos[0] >= 0x80) {
            this.error = 'the node refused the subscription to ' + filter;
          } else if (!this.subscribed.includes(filter)) {
            this.subscribed.push(filter);
          }
        },
        onFailure: (e) => {
          this.error = 'cannot subscribe: ' + e.errorMessage;
        },
      });
    },
    disconnect() {
      try {
        this.client?.disconnect();
      } catch (e) {
        // Gone already.
      }
      this.state = 'disconnected';
      this.subscribed = [];
    },
    arrived(m) {
      const text = utf8(m.payloadBytes);
      this.n = (this.n ?? 0) + 1;
      this.messages.unshift({
        n: this.n,
        time: new Date().toLocaleTimeString(),
        topic: m.destinationName,
        qos: m.qos,
        retained: m.retained,
        payload: text ?? '(' + m.payloadBytes.length + ' bytes, not UTF-8)',
      });
      if (this.messages.length > MAX_MESSAGES) {
        this.messages.pop();
      }
    },
    async defaultUrl() {
      try {
        const listeners = await get('/api/v5/listeners');
        const secure = location.protocol === 'https:';
        const ws = listeners.find((l) => l.running && l.type === (secure ? 'wss' : 'ws'))
          ?? listeners.find((l) => l.running && (l.type === 'ws' || l.type === 'wss'));
        if (ws && !this.url) {
          this.url = `${ws.type}://${location.hostname}:${ws.port}/mqtt`;
        }
      } catch (e) {
        this.error = e.message;
      }
    },
  },
  mounted() {
    this.url = '';
    this.defaultUrl();
  },
  unmounted() {
    this.disconnect();
  },
};
