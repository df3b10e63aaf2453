// Publish a message as the administrator, through the node's publish gate as every client's message goes.
import { post } from '../api.js';

export const Publish = {
  data: () => ({ topic: '', payload: '', qos: 0, retain: false, contentType: '', error: '', status: '', busy: false }),
  template: `
    <section aria-labelledby="publish-title">
      <h1 id="publish-title" tabindex="-1">Publish</h1>
      <form @submit.prevent="publish" aria-label="Publish a message" class="narrow">
        <label for="p-topic">Topic <input id="p-topic" v-model.trim="topic" required placeholder="devices/42/command"></label>
        <label for="p-payload">Payload <textarea id="p-payload" v-model="payload" rows="6"></textarea></label>
        <div class="filters">
          <label for="p-qos">QoS
            <select id="p-qos" v-model.number="qos"><option :value="0">0</option><option :value="1">1</option><option :value="2">2</option></select>
          </label>
          <label for="p-content-type">Content type <input id="p-content-type" v-model.trim="contentType" placeholder="application/json"></label>
        </div>
        <label for="p-retain"><input id="p-retain" type="checkbox" role="switch" v-model="retain"> Retain</label>
        <p class="error" role="alert" v-if="error">{{ error }}</p>
        <p class="ok" role="status" v-if="status" data-field="publish-status">{{ status }}</p>
        <button type="submit" :aria-busy="busy" :disabled="busy">Publish</button>
      </form>
    </section>`,
  methods: {
    async publish() {
      this.busy = true;
      this.error = '';
      this.status = '';
      try {
        const body = { topic: this.topic, payload: this.payload, qos: this.qos, retain: this.retain };
        if (this.contentType) {
          body.properties = { content_type: this.contentType };
        }
        const answer = await post('/api/v5/publish', body);
        const n = answer.delivered_to;
        this.status = `Published to ${answer.topic}: delivered to ${n} subscriber${n === 1 ? '' : 's'}`
          + (this.retain ? ', and retained.' : '.');
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },
  },
};
