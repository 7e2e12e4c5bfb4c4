package storetest

import (
	"slices"

	"github.com/diplograph/diplograph/internal/kg"
)

// timeline answers q as kg.TimelineQuery describes it, plainly: every way of taking part
// enumerated from the relations, every meeting kept or not by its date, all sorted at the end.
func (ref *reference) timeline(q kg.TimelineQuery) []*kg.TimelineEntry {
	vias := map[string][]kg.Via{} // meeting id -> ways
	var order []string
	add := func(m string, v kg.Via) {
		if ref.entities[m].Kind != kg.KindMeeting || (q.Direct && v.Way != kg.WayDirect) {
			return
		}
		if _, seen := vias[m]; !seen {
			order = append(order, m)
			vias[m] = []kg.Via{}
		}
		vias[m] = append(vias[m], v)
	}
	// related calls f with each relation of type typ that has id at end: from (true) or to.
	related := func(id, typ string, from bool, f func(r *kg.Relation)) {
		for _, r := range ref.adj[id] {
			if r.Type == typ && (r.From == id) == from {
				f(r)
			}
		}
	}
	if q.ID == "" {
		for id, e := range ref.entities {
			if e.Kind == kg.KindMeeting {
				order = append(order, id)
				vias[id] = nil
			}
		}
	} else if e := ref.entities[q.ID]; e != nil {
		if e.Kind == kg.KindMeeting {
			add(e.ID, kg.Via{Way: kg.WayDirect})
		}
		for _, r := range ref.adj[e.ID] {
			add(r.Other(e.ID), kg.Via{Way: kg.WayDirect, Relation: r.Type})
		}
		viaOrg := func(r *kg.Relation) {
			org := r.Other(e.ID)
			related(org, kg.RelRepresentedAt, true, func(rep *kg.Relation) {
				add(rep.To, kg.Via{Way: kg.WayOrganization, Relation: kg.RelRepresentedAt, Through: org})
			})
		}
		switch e.Kind {
		case kg.KindPerson:
			related(e.ID, kg.RelHoldsPosition, true, viaOrg)
		case kg.KindCountry:
			related(e.ID, kg.RelBelongsTo, false, viaOrg)
			for id, m := range ref.entities {
				if m.Kind != kg.KindMeeting || e.Prop(kg.PropCode) == "" {
					continue
				}
				for _, r := range ref.adj[id] {
					if (r.Type == kg.RelAttended || r.Type == kg.RelRepresentedAt) && r.To == id && r.Prop(kg.PropDelegation) == e.Prop(kg.PropCode) {
						add(id, kg.Via{Way: kg.WayDelegation, Relation: r.Type, Through: r.From})
					}
				}
			}
		case kg.KindDialogue:
			// Every dialogue PART_OF it at any depth, each a Through for its sessions.
			parts := []string{e.ID}
			for i := 0; i < len(parts); i++ {
				related(parts[i], kg.RelPartOf, false, func(r *kg.Relation) {
					if !slices.Contains(parts, r.From) {
						parts = append(parts, r.From)
					}
				})
			}
			for _, part := range parts[1:] {
				related(part, kg.RelSessionOf, false, func(r *kg.Relation) {
					add(r.From, kg.Via{Way: kg.WayDialogue, Relation: kg.RelSessionOf, Through: part})
				})
			}
		}
	}
	out := []*kg.TimelineEntry{}
	for _, id := range order {
		m := ref.entities[id]
		if kg.InDateRange(m.Prop(kg.PropDate), q.From, q.To) {
			out = append(out, &kg.TimelineEntry{Meeting: m, Via: kg.SortVias(vias[id])})
		}
	}
	slices.SortFunc(out, kg.TimelineOrder)
	return out[:min(len(out), q.Limit)]
}
