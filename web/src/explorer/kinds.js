// How each entity kind looks: a color (Okabe-Ito, readable by most color-blind people) and a
// shape, so kind is never told by color alone.
export const KINDS = {
  PERSON: { label: 'Person', color: '#0072B2', shape: 'ellipse' },
  ORGANIZATION: { label: 'Organization', color: '#E69F00', shape: 'round-rectangle' },
  COUNTRY: { label: 'Country', color: '#009E73', shape: 'diamond' },
  PLACE: { label: 'Place', color: '#56B4E9', shape: 'triangle' },
  MEETING: { label: 'Meeting', color: '#D55E00', shape: 'hexagon' },
  DIALOGUE: { label: 'Dialogue', color: '#CC79A7', shape: 'star' },
  INITIATIVE: { label: 'Initiative', color: '#B8A800', shape: 'round-tag' },
  TOPIC: { label: 'Topic', color: '#7F7F7F', shape: 'octagon' },
};

/** kindOf returns the look of kind, with a neutral one for kinds this page does not know. */
export function kindOf(kind) {
  return KINDS[kind] ?? { label: kind, color: '#444444', shape: 'ellipse' };
}
