// A button that acts at the second click: the first one asks (and moves the focus to the answer).
export const ConfirmButton = {
  props: { label: String, confirm: String, target: String },
  emits: ['confirmed'],
  data: () => ({ asking: false }),
  template: `
    <div class="actions">
      <template v-if="asking">
        <button ref="yes" class="contrast" @click="answer(true)"
                :aria-label="'Confirm: ' + label.toLowerCase() + ' ' + target">{{ confirm }}</button>
        <button class="secondary" @click="answer(false)">Cancel</button>
      </template>
      <button v-else class="secondary" @click="ask" :aria-label="label + ' ' + target">{{ label }}</button>
    </div>`,
  methods: {
    ask() {
      this.asking = true;
      this.$nextTick(() => this.$refs.yes?.focus());
    },
    answer(yes) {
      this.asking = false;
      if (yes) {
        this.$emit('confirmed');
      }
    },
  },
};
