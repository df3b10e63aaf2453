// The ACL file's rules (security.acl_file, etc/acl.conf) in the order the node tries them, first match wins;
// read only: the file is the truth, and the node reads it again when it changes.
import { get } from '../api.js';

export const AclRules = {
  data: () => ({ acl: null, error: '' }),
  template: `
    <h2 id="acl-rules">ACL rules</h2>
    <p class="error" role="alert" v-if="error">{{ error }}</p>
    <template v-if="acl">
      <p data-field="acl-summary"><template v-if="acl.file">From <code>{{ acl.file }}</code>, tried in this order; the
        first that matches decides.</template><template v-else>No ACL file (<code>security.acl_file</code>).</template>
        A request no rule matches is <strong>{{ acl.no_match === 'allow' ? 'allowed' : 'denied' }}</strong>
        (<code>authorization.no_match</code>), unless an authorization plugin decides.</p>
      <div class="overflow-auto">
        <table class="striped" aria-labelledby="acl-rules">
          <thead><tr><th scope="col">#</th><th scope="col">Permission</th><th scope="col">Who</th>
            <th scope="col">Action</th><th scope="col">Topics</th></tr></thead>
          <tbody>
            <tr v-for="(r, i) in acl.rules" :key="i" :data-rule="i + 1">
              <td>{{ i + 1 }}</td><td data-field="permission">{{ r.permission }}</td><td>{{ who(r.who) }}</td>
              <td>{{ r.action }}</td><td>{{ r.topics.length ? r.topics.join(', ') : 'every topic' }}</td></tr>
            <tr v-if="acl.rules.length === 0"><td colspan="5">No rules.</td></tr>
          </tbody>
        </table>
      </div>
    </template>`,
  methods: {
    who(w) {
      return typeof w === 'string' ? w : Object.entries(w).map(([k, v]) => k + ' ' + v).join(', ');
    },
  },
  async mounted() {
    try {
      this.acl = await get('/api/v5/authorization/rules');
    } catch (e) {
      this.error = e.message;
    }
  },
};
