// The timeline strip: meetings in date order, each a button that opens the meeting.
import { h, replace } from './dom.js';

/**
 * renderTimeline fills list with meetings (id, name, date) and sets title; pick(id) opens one.
 * current is the id of the open entity, marked in the strip when it is a meeting.
 */
export function renderTimeline(list, title, meetings, { about, current, pick }) {
  title.textContent = about ? `Meetings of ${about}` : 'Meetings';
  if (!meetings.length) {
    replace(list, h('li', { className: 'hint' }, about ? 'No meeting on record.' : 'No meetings.'));
    return;
  }
  replace(
    list,
    meetings.map((m) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', 'aria-current': m.id === current ? 'true' : null, onclick: () => pick(m.id) },
          h('time', { datetime: m.date ?? null }, m.date ?? 'undated'),
          h('span', {}, m.name),
        ),
      ),
    ),
  );
}
