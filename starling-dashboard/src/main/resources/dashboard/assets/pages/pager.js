// Previous/next over a paged listing of the API ({data, meta: {page, limit, count | hasnext}}), and its loading.
import { get } from '../api.js';

/** Loads a page of a listing into the component's rows and meta; its error on failure. */
export async function loadInto(vm, path) {
  try {
    const answer = await get(path);
    vm.rows = answer.data;
    vm.meta = answer.meta;
    vm.error = '';
  } catch (e) {
    vm.error = e.message;
  }
}

export const Pager = {
  props: { page: Number, limit: Number, count: Number, hasnext: Boolean, label: String },
  emits: ['go'],
  computed: {
    pages() {
      return this.count === undefined || this.count === null ? null : Math.max(1, Math.ceil(this.count / this.limit));
    },
    more() {
      return this.pages === null ? this.hasnext : this.page < this.pages;
    },
  },
  template: `
    <nav class="pager" :aria-label="label || 'Pages'">
      <button class="secondary small" :disabled="page <= 1" @click="$emit('go', page - 1)">Previous</button>
      <span aria-live="polite">Page {{ page }}<template v-if="pages"> of {{ pages }}</template>
        <template v-if="count !== undefined && count !== null"> · {{ count }} in all</template></span>
      <button class="secondary small" :disabled="!more" @click="$emit('go', page + 1)">Next</button>
    </nav>`,
};
