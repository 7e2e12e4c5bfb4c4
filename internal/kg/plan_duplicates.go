package kg

import (
	"context"
	"strconv"
)

// Possible duplicates in an import: every entity a plan creates is looked up among the stored
// entities of its kind with the duplicate finder (SearchDuplicates over the snapshot's search),
// and those it resembles are listed in the plan and the import report, for a person to check
// (and merge, MergeEntities) before or after the import. They are not problems: the import still
// writes.

// MaxDuplicateChecks is the most new entities one plan looks duplicates up for (each takes a few
// searches); a larger bundle's report says how many it did not check.
const MaxDuplicateChecks = 200

// PossibleDuplicate is a new entity of a bundle that resembles a stored entity of its kind.
type PossibleDuplicate struct {
	Path     string    // the bundle entity: "entities[3]"
	ID       string    // the id the new entity gets
	Name     string    // its name
	Existing Duplicate // the stored entity it resembles, with the score and the reason
}

// FindDuplicates fills p's Duplicates from snap, the snapshot p was planned over: for each entity
// p creates (at most MaxDuplicateChecks), the stored entities SearchDuplicates finds, best first.
// It returns snap's error, if any.
func (p *Plan) FindDuplicates(ctx context.Context, snap Snapshot) error {
	p.Duplicates, p.DuplicatesUnchecked = nil, 0
	checked := 0
	for _, w := range p.Entities {
		if p.Stored(w.Entity.ID) {
			continue
		}
		if checked == MaxDuplicateChecks {
			p.DuplicatesUnchecked++
			continue
		}
		checked++
		dups, err := SearchDuplicates(ctx, snap, w.Entity)
		if err != nil {
			return err
		}
		for _, d := range dups {
			p.Duplicates = append(p.Duplicates, PossibleDuplicate{
				Path: "entities[" + strconv.Itoa(w.Index) + "]", ID: w.Entity.ID, Name: w.Entity.Name, Existing: d})
		}
	}
	return nil
}
