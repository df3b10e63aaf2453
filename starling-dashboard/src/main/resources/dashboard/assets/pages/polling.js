// A page that shows the node's figures as they are now: loads when it opens, again every `ms`, and stops when it
// closes (a Vue mixin; the page has a `load()` method).
export function refreshedEvery(ms) {
  return {
    mounted() {
      this.load();
      this.timer = setInterval(() => this.load(), ms);
    },
    unmounted() {
      clearInterval(this.timer);
    },
  };
}
