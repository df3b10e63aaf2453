// The dashboard: one page, its views chosen by the fragment (#/clients). Login first; an administrator with the
// default password changes it before anything else.
import { createApp, reactive, computed, nextTick, watch } from '/webjars/vue/dist/vue.esm-browser.prod.js';
import { get, post, put, setCsrfToken, onSessionExpired } from './api.js';
import { Overview } from './pages/overview.js';
import { Clients, StompClients } from './pages/clients.js';
import { Bridges } from './pages/bridges.js';
import { Subscriptions } from './pages/subscriptions.js';
import { Retained } from './pages/retained.js';
import { Publish } from './pages/publish.js';
import { Viewer } from './pages/viewer.js';
import { Listeners } from './pages/listeners.js';
import { Plugins } from './pages/plugins.js';
import { Sessions } from './pages/sessions.js';
import { Access } from './pages/access.js';
import { Metrics } from './pages/metrics.js';
import { Cluster } from './pages/cluster.js';

const PAGES = [
  { path: '/overview', title: 'Overview', component: Overview },
  { path: '/clients', title: 'Clients', component: Clients },
  { path: '/sessions', title: 'Sessions', component: Sessions },
  { path: '/subscriptions', title: 'Subscriptions', component: Subscriptions },
  { path: '/retained', title: 'Retained', component: Retained },
  { path: '/publish', title: 'Publish', component: Publish },
  { path: '/viewer', title: 'Topic viewer', component: Viewer },
  { path: '/metrics', title: 'Metrics', component: Metrics },
  { path: '/cluster', title: 'Cluster', component: Cluster },
  { path: '/bridges', title: 'Bridges', component: Bridges },
  { path: '/stomp', title: 'STOMP', component: StompClients },
  { path: '/listeners', title: 'Listeners', component: Listeners },
  { path: '/plugins', title: 'Plugins', component: Plugins },
  { path: '/access', title: 'Users and keys', component: Access },
];

const state = reactive({
  checking: true,
  session: null,
  expired: false,
  route: currentRoute(),
});

function currentRoute() {
  const path = (location.hash || '').replace(/^#/, '');
  return path === '/password' || PAGES.some((p) => p.path === path) ? path : '/overview';
}

function startSession(session) {
  setCsrfToken(session.csrf_token);
  state.session = session;
  state.expired = false;
}

function endSession(expired) {
  setCsrfToken('');
  state.session = null;
  state.expired = expired;
}

onSessionExpired(() => endSession(true));
window.addEventListener('hashchange', () => {
  state.route = currentRoute();
});

const Login = {
  emits: ['done'],
  data: () => ({ username: '', password: '', error: '', busy: false }),
  props: { expired: Boolean },
  template: `
    <main class="container login">
      <article>
        <header><h1>Starling</h1><p>Log in with an administrator of the management API.</p></header>
        <p v-if="expired" role="status" class="notice">Your session has ended: log in again.</p>
        <form @submit.prevent="submit" aria-label="Log in">
          <label for="login-username">Username
            <input id="login-username" name="username" v-model="username" autocomplete="username" required autofocus>
          </label>
          <label for="login-password">Password
            <input id="login-password" name="password" type="password" v-model="password"
                   autocomplete="current-password" required :aria-invalid="error ? 'true' : null"
                   aria-describedby="login-error">
          </label>
          <p id="login-error" class="error" role="alert" v-if="error">{{ error }}</p>
          <button type="submit" :aria-busy="busy" :disabled="busy">Log in</button>
        </form>
      </article>
    </main>`,
  methods: {
    async submit() {
      this.busy = true;
      this.error = '';
      try {
        this.$emit('done', await post('/api/v5/dashboard/login', { username: this.username, password: this.password }));
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },
  },
};

const ChangePassword = {
  props: { session: Object, forced: Boolean },
  emits: ['done'],
  data: () => ({ password: '', repeat: '', error: '', done: false, busy: false }),
  template: `
    <section aria-labelledby="password-title">
      <h1 id="password-title" tabindex="-1">Change password</h1>
      <p v-if="forced" class="notice" role="status">Administrator <strong>{{ session.username }}</strong> still has
        the default password. Choose a new one before you go on.</p>
      <form @submit.prevent="submit" aria-label="Change password" class="narrow">
        <label for="new-password">New password (at least 8 characters)
          <input id="new-password" type="password" v-model="password" required autocomplete="new-password">
        </label>
        <label for="repeat-password">Repeat the new password
          <input id="repeat-password" type="password" v-model="repeat" required autocomplete="new-password">
        </label>
        <p class="error" role="alert" v-if="error">{{ error }}</p>
        <p role="status" v-if="done" class="ok">The password is changed.</p>
        <button type="submit" :aria-busy="busy" :disabled="busy">Change password</button>
      </form>
    </section>`,
  methods: {
    async submit() {
      this.error = '';
      this.done = false;
      if (this.password.length < 8) {
        this.error = 'The new password must have at least 8 characters.';
        return;
      }
      if (this.password !== this.repeat) {
        this.error = 'The two passwords differ.';
        return;
      }
      this.busy = true;
      try {
        await put('/api/v5/admins/' + encodeURIComponent(this.session.username) + '/password',
          { new_password: this.password });
        this.done = true;
        this.password = this.repeat = '';
        this.$emit('done');
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },
  },
};

const App = {
  components: { Login, ChangePassword },
  setup() {
    const page = computed(() => PAGES.find((p) => p.path === state.route) ?? PAGES[0]);
    const mustChange = computed(() => state.session?.password_change_required);
    async function refreshSession() {
      startSession(await get('/api/v5/dashboard/session'));
    }
    async function logout() {
      try {
        await post('/api/v5/dashboard/logout');
      } catch (e) {
        // Gone already: logged out either way.
      }
      endSession(false);
    }
    // Focus the new page's heading, so that a screen reader and the keyboard start there.
    watch(() => [state.route, state.session?.password_change_required], () => nextTick(() => {
      document.querySelector('main h1')?.focus();
    }));
    function skipToMain() {
      document.querySelector('main h1')?.focus();
    }
    return { state, PAGES, page, mustChange, startSession, refreshSession, logout, skipToMain };
  },
  async mounted() {
    try {
      await this.refreshSession();
    } catch (e) {
      endSession(false);
    } finally {
      state.checking = false;
    }
  },
  template: `
    <main v-if="state.checking" class="container"><p aria-busy="true">Loading…</p></main>
    <Login v-else-if="!state.session" :expired="state.expired" @done="startSession"></Login>
    <template v-else>
      <a href="#main" class="skip" @click.prevent="skipToMain">Skip to the page</a>
      <header class="topbar">
        <nav class="container-fluid" aria-label="Main">
          <ul><li><a href="#/overview" class="brand"><img src="/assets/starling.svg" alt="" width="24" height="24">
            <strong>Starling</strong></a></li></ul>
          <ul class="pages" v-if="!mustChange">
            <li v-for="p in PAGES" :key="p.path">
              <a :href="'#' + p.path" :aria-current="p.path === state.route ? 'page' : null">{{ p.title }}</a></li>
          </ul>
          <ul>
            <li><a href="#/password" :aria-current="state.route === '/password' ? 'page' : null"
                   :title="'Change the password of ' + state.session.username">{{ state.session.username }}</a></li>
            <li><button class="secondary outline small" @click="logout">Log out</button></li>
          </ul>
        </nav>
      </header>
      <main class="container-fluid page" id="main">
        <ChangePassword v-if="mustChange || state.route === '/password'" :session="state.session" :forced="mustChange"
                        @done="refreshSession"></ChangePassword>
        <component v-else :is="page.component" :key="page.path"></component>
      </main>
    </template>`,
};

createApp(App).mount('#app');
