// The timeline strip: meetings in date order, each a button that opens the meeting. For an
// entity's timeline each says how the entity took part: meetings it took part in directly stand
// out; the others say what they were reached through (an organization, a delegation, a dialogue).
import { h, replace } from './dom.js';

const WAYS = {
  ORGANIZATION: 'via',
  DELEGATION: 'delegation:',
  DIALOGUE: 'via',
};

/**
 * viaText says in a few words how an entry was reached when not directly: "via U.S. Government",
 * "delegation: Rachel Poynter, +3". Empty for direct entries and timelines of every meeting.
 */
export function viaText(entry) {
  if (entry.direct || !entry.via?.length) return '';
  const way = entry.via[0].way;
  const names = [...new Set(entry.via.filter((v) => v.way === way && v.through).map((v) => v.through.name))];
  if (!names.length) return '';
  const more = names.length > 1 ? `, +${names.length - 1}` : '';
  return `${WAYS[way] ?? 'via'} ${names[0]}${more}`;
}

/**
 * renderTimeline fills list with timeline entries ({meeting: {id, name, date}, direct, via}) and
 * sets title; pick(id) opens a meeting. current is the id of the open entity, marked in the strip
 * when it is a meeting.
 */
export function renderTimeline(list, title, entries, { about, current, pick }) {
  title.textContent = about ? `Meetings of ${about}` : 'Meetings';
  if (!entries.length) {
    replace(list, h('li', { className: 'hint' }, about ? 'No meeting on record.' : 'No meetings.'));
    return;
  }
  replace(
    list,
    entries.map(({ meeting: m, ...entry }) => {
      const via = about ? viaText(entry) : '';
      return h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: via ? 'indirect' : '',
            'aria-current': m.id === current ? 'true' : null,
            title: via ? `${m.name}: not in the sources as taking part itself, ${via}` : m.name,
            'data-testid': via ? 'timeline-indirect' : 'timeline-direct',
            onclick: () => pick(m.id),
          },
          h('time', { datetime: m.date ?? null }, m.date ?? 'undated'),
          h('span', {}, m.name),
          via ? h('small', { className: 'via' }, via) : null,
        ),
      );
    }),
  );
}
