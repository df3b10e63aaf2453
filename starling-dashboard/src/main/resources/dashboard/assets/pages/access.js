// Who may do what: the built-in MQTT users (etc/passwd), the ACL rules (read only), the administrators of this API and dashboard, and the
// API keys (a new key's secret is shown this once). Deleting asks for a second click.
import { get, post, del } from '../api.js';
import { ConfirmButton } from './confirm.js';
import { AclRules } from './acl.js';

export const Access = {
  components: { ConfirmButton, AclRules },
  data: () => ({
    users: [], admins: [], keys: [], error: '', status: '', usersError: '',
    newUser: { username: '', password: '', superuser: false },
    newAdmin: { username: '', password: '' },
    newKeyRole: 'operator', created: null,
  }),
  template: `
    <section aria-labelledby="access-title">
      <h1 id="access-title" tabindex="-1">Users and keys</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>

      <h2 id="mqtt-users">MQTT users</h2>
      <p v-if="usersError" class="notice">{{ usersError }}</p>
      <template v-else>
        <div class="overflow-auto">
          <table class="striped" aria-labelledby="mqtt-users">
            <thead><tr><th scope="col">Username</th><th scope="col">Superuser</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              <tr v-for="u in users" :key="u.name" :data-user="u.name"><td>{{ u.name }}</td><td>{{ u.superuser ? 'yes' : '' }}</td>
                <td><ConfirmButton label="Delete" confirm="Delete it" :target="'user ' + u.name"
                                   @confirmed="remove('/api/v5/users/', u.name, 'MQTT user')"></ConfirmButton></td></tr>
              <tr v-if="users.length === 0"><td colspan="3">No users.</td></tr>
            </tbody>
          </table>
        </div>
        <form class="filters" @submit.prevent="addUser" aria-label="Add an MQTT user">
          <label for="u-name">Username <input id="u-name" v-model.trim="newUser.username" required autocomplete="off"></label>
          <label for="u-password">Password <input id="u-password" type="password" v-model="newUser.password" required autocomplete="new-password"></label>
          <label for="u-super"><input id="u-super" type="checkbox" role="switch" v-model="newUser.superuser"> Superuser</label>
          <button type="submit">Add user</button>
        </form>
      </template>

      <AclRules></AclRules>

      <h2 id="admins">Administrators</h2>
      <div class="overflow-auto">
        <table class="striped" aria-labelledby="admins">
          <thead><tr><th scope="col">Username</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="a in admins" :key="a.username"><td>{{ a.username }}</td>
              <td><ConfirmButton label="Delete" confirm="Delete it" :target="'administrator ' + a.username"
                                 @confirmed="remove('/api/v5/admins/', a.username, 'administrator')"></ConfirmButton></td></tr>
          </tbody>
        </table>
      </div>
      <form class="filters" @submit.prevent="addAdmin" aria-label="Add an administrator">
        <label for="a-name">Username <input id="a-name" v-model.trim="newAdmin.username" required autocomplete="off"></label>
        <label for="a-password">Password <input id="a-password" type="password" v-model="newAdmin.password" required autocomplete="new-password"></label>
        <button type="submit">Add administrator</button>
      </form>

      <h2 id="keys">API keys</h2>
      <div class="overflow-auto">
        <table class="striped" aria-labelledby="keys">
          <thead><tr><th scope="col">Key</th><th scope="col">Role</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="k in keys" :key="k.key"><td><code>{{ k.key }}</code></td><td>{{ k.role }}</td>
              <td><ConfirmButton label="Delete" confirm="Delete it" :target="'key ' + k.key"
                                 @confirmed="remove('/api/v5/api_key/', k.key, 'API key')"></ConfirmButton></td></tr>
            <tr v-if="keys.length === 0"><td colspan="3">No API keys.</td></tr>
          </tbody>
        </table>
      </div>
      <form class="filters" @submit.prevent="addKey" aria-label="Create an API key">
        <label for="k-role">Role
          <select id="k-role" v-model="newKeyRole"><option value="operator">operator (all but administrators and keys)</option>
            <option value="administrator">administrator</option></select></label>
        <button type="submit">Create key</button>
      </form>
      <article v-if="created" aria-labelledby="created-title">
        <h3 id="created-title" tabindex="-1">New API key</h3>
        <p>Key <code data-field="new-key">{{ created.key }}</code>, secret <code data-field="new-secret">{{ created.secret }}</code>
          ({{ created.role }}). The secret is shown this once: use <code>key:secret</code> as HTTP Basic credentials.</p>
        <button class="secondary" @click="created = null">Done</button>
      </article>
    </section>`,
  methods: {
    async load() {
      try {
        [this.admins, this.keys] = await Promise.all([get('/api/v5/admins'), get('/api/v5/api_key')]);
      } catch (e) {
        this.error = e.message;
      }
      try {
        this.users = await get('/api/v5/users');
        this.usersError = '';
      } catch (e) {
        this.usersError = e.message;
      }
    },
    async run(action, done) {
      this.error = '';
      this.status = '';
      try {
        await action();
        this.status = done;
        await this.load();
      } catch (e) {
        this.error = e.message;
      }
    },
    addUser() {
      const u = { ...this.newUser };
      return this.run(async () => {
        await post('/api/v5/users', u);
        this.newUser = { username: '', password: '', superuser: false };
      }, 'MQTT user ' + u.username + ' added.');
    },
    addAdmin() {
      const a = { ...this.newAdmin };
      return this.run(async () => {
        await post('/api/v5/admins', a);
        this.newAdmin = { username: '', password: '' };
      }, 'Administrator ' + a.username + ' added.');
    },
    addKey() {
      return this.run(async () => {
        this.created = await post('/api/v5/api_key', { role: this.newKeyRole });
        this.$nextTick(() => document.getElementById('created-title')?.focus());
      }, 'API key created.');
    },
    remove(base, name, what) {
      return this.run(() => del(base + encodeURIComponent(name)), 'The ' + what + ' ' + name + ' was deleted.');
    },
  },
  mounted() {
    this.load();
  },
};
