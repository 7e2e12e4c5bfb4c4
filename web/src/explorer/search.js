// Search as you type: an ARIA combobox over the API's search. Arrow keys move through the
// results, Enter opens one, Escape closes the list; a newer keystroke cancels the older request.
import { h, replace } from './dom.js';
import { kindOf } from './kinds.js';

const DEBOUNCE_MS = 150;

/**
 * SearchBox wires input and list to find(text, {signal}) (entities, best first) and calls
 * choose(entity) when one is picked.
 */
export class SearchBox {
  constructor(input, list, { find, choose, onError }) {
    this.input = input;
    this.list = list;
    this.find = find;
    this.choose = choose;
    this.onError = onError;
    this.results = [];
    this.active = -1;
    this.timer = 0;
    this.pending = null;

    input.addEventListener('input', () => this.schedule());
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('focus', () => {
      if (this.results.length) this.open(true);
    });
    // Close when focus leaves the box for anything but one of its own results, and has not come
    // back meanwhile: a box refocused within the delay (a click elsewhere, then typing again)
    // keeps the results it is showing.
    input.addEventListener('blur', () => setTimeout(() => {
      const at = document.activeElement;
      if (at !== this.input && !this.list.contains(at)) this.open(false);
    }, 150));
  }

  /**
   * follow puts text, the name of what the view now shows, in the box (closing any results), so
   * the box never names an entity the page has moved away from. A box that has focus is left
   * alone: someone is in it, and text put there between their click and their first keystroke
   * would be typed after (a view that finished loading then made "Biden" a search for
   * "<meeting name>Biden").
   */
  follow(text) {
    if (document.activeElement === this.input) return;
    clearTimeout(this.timer);
    this.pending?.abort();
    this.pending = null;
    this.input.value = text;
    this.results = [];
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    this.open(false);
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
  }

  async run() {
    const text = this.input.value.trim();
    this.pending?.abort();
    if (!text) {
      this.show([]);
      return;
    }
    const ctl = new AbortController();
    this.pending = ctl;
    try {
      const found = await this.find(text, { signal: ctl.signal });
      if (this.pending === ctl) this.show(found, text);
    } catch (err) {
      if (err.name !== 'AbortError') this.onError(err);
    }
  }

  show(results, text = '') {
    this.results = results;
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    replace(
      this.list,
      results.length === 0 && text
        ? h('li', { className: 'empty', role: 'option', 'aria-disabled': 'true' }, `Nothing matches “${text}”.`)
        : results.map((e, i) => {
            const look = kindOf(e.kind);
            return h(
              'li',
              {
                id: `search-result-${i}`,
                role: 'option',
                'aria-selected': 'false',
                dataset: { testid: 'search-result', id: e.id },
                // mousedown, not click: it fires before the input's blur closes the list.
                onmousedown: (ev) => {
                  ev.preventDefault();
                  this.pick(i);
                },
              },
              h('span', { className: 'dot', style: { background: look.color }, 'aria-hidden': 'true' }),
              h('span', { className: 'name' }, e.name),
              h('span', { className: 'kind-label' }, look.label),
            );
          }),
    );
    this.open(results.length > 0 || Boolean(text));
  }

  open(yes) {
    this.list.hidden = !yes;
    this.input.setAttribute('aria-expanded', String(yes));
  }

  key(e) {
    const n = this.results.length;
    switch (e.key) {
      case 'ArrowDown':
        if (!n) return;
        e.preventDefault();
        this.open(true);
        this.highlight((this.active + 1) % n);
        break;
      case 'ArrowUp':
        if (!n) return;
        e.preventDefault();
        this.open(true);
        this.highlight((this.active - 1 + n) % n);
        break;
      case 'Enter':
        if (!n) return;
        e.preventDefault();
        this.pick(this.active >= 0 ? this.active : 0);
        break;
      case 'Escape':
        if (this.list.hidden) {
          this.input.value = '';
          this.show([]);
        } else {
          this.open(false);
        }
        break;
    }
  }

  highlight(i) {
    this.active = i;
    this.list.querySelectorAll('[role=option]').forEach((el, j) => el.setAttribute('aria-selected', String(i === j)));
    const el = this.list.querySelector(`#search-result-${i}`);
    if (el) {
      this.input.setAttribute('aria-activedescendant', el.id);
      el.scrollIntoView({ block: 'nearest' });
    }
  }

  pick(i) {
    const e = this.results[i];
    if (!e) return;
    this.open(false);
    this.input.value = e.name;
    this.choose(e);
  }
}
