package kg

// Relation types. Keep them UPPER_SNAKE verbs.
const (
	RelHoldsPosition = "HOLDS_POSITION" // Person -> Organization: title, acting, start, end
	RelAttended      = "ATTENDED"       // Person -> Meeting: role, delegation (country code)
	RelRepresentedAt = "REPRESENTED_AT" // Organization -> Meeting: delegation (country code)
	RelPartOf        = "PART_OF"        // Organization -> Organization, Dialogue -> Dialogue, Initiative -> Initiative
	RelSessionOf     = "SESSION_OF"     // Meeting -> Dialogue
	RelHeldIn        = "HELD_IN"        // Meeting -> Place
	RelLocatedIn     = "LOCATED_IN"     // Place -> Country
	RelBelongsTo     = "BELONGS_TO"     // Organization -> Country
	RelAdopted       = "ADOPTED"        // Meeting -> Initiative
	RelAffirmed      = "AFFIRMED"       // Meeting -> Initiative
	RelReviewed      = "REVIEWED"       // Meeting -> Initiative
	RelAdvanced      = "ADVANCED"       // Meeting -> Initiative
	RelApplauded     = "APPLAUDED"      // Meeting -> Initiative
	RelSupports      = "SUPPORTS"       // Initiative -> Dialogue
	RelPartyTo       = "PARTY_TO"       // Country -> Dialogue
	RelAddresses     = "ADDRESSES"      // Dialogue | Initiative | Meeting -> Topic
)

// Entity property keys that the API exposes as typed fields.
const (
	PropAcronym        = "acronym"        // Organization, Dialogue, Initiative: "SRE", "21CB"
	PropClassification = "classification" // Organization: "GOVERNMENT", "MINISTRY", "AGENCY", "COUNCIL", "EMBASSY", "COMMITTEE", ...
	PropCode           = "code"           // Country: ISO 3166-1 alpha-2
	PropDate           = "date"           // Meeting: ISO 8601 date, possibly partial
	PropOrdinal        = "ordinal"        // Meeting: 14 for the 14th plenary
	PropEstablished    = "established"    // Dialogue: ISO 8601 date, possibly partial
)

// Relation property keys.
const (
	PropTitle      = "title"      // HOLDS_POSITION
	PropActing     = "acting"     // HOLDS_POSITION
	PropStart      = "start"      // HOLDS_POSITION
	PropEnd        = "end"        // HOLDS_POSITION
	PropRole       = "role"       // ATTENDED: LEAD | MEMBER | PARTICIPANT
	PropDelegation = "delegation" // ATTENDED, REPRESENTED_AT: country code
)

// OutcomeTypes are the relation types from a Meeting to an Initiative that the API calls outcomes.
var OutcomeTypes = []string{RelAdopted, RelAffirmed, RelReviewed, RelAdvanced, RelApplauded}

// RelationSpec says which kinds a relation type may connect.
type RelationSpec struct {
	From []Kind
	To   []Kind
}

var meetingToInitiative = RelationSpec{From: []Kind{KindMeeting}, To: []Kind{KindInitiative}}

// RelationSpecs lists every relation type the graph knows, with the kinds it connects.
var RelationSpecs = map[string]RelationSpec{
	RelHoldsPosition: {From: []Kind{KindPerson}, To: []Kind{KindOrganization}},
	RelAttended:      {From: []Kind{KindPerson}, To: []Kind{KindMeeting}},
	RelRepresentedAt: {From: []Kind{KindOrganization}, To: []Kind{KindMeeting}},
	RelPartOf:        {From: []Kind{KindOrganization, KindDialogue, KindInitiative}, To: []Kind{KindOrganization, KindDialogue, KindInitiative}},
	RelSessionOf:     {From: []Kind{KindMeeting}, To: []Kind{KindDialogue}},
	RelHeldIn:        {From: []Kind{KindMeeting}, To: []Kind{KindPlace}},
	RelLocatedIn:     {From: []Kind{KindPlace}, To: []Kind{KindCountry}},
	RelBelongsTo:     {From: []Kind{KindOrganization}, To: []Kind{KindCountry}},
	RelAdopted:       meetingToInitiative,
	RelAffirmed:      meetingToInitiative,
	RelReviewed:      meetingToInitiative,
	RelAdvanced:      meetingToInitiative,
	RelApplauded:     meetingToInitiative,
	RelSupports:      {From: []Kind{KindInitiative}, To: []Kind{KindDialogue}},
	RelPartyTo:       {From: []Kind{KindCountry}, To: []Kind{KindDialogue}},
	RelAddresses:     {From: []Kind{KindDialogue, KindInitiative, KindMeeting}, To: []Kind{KindTopic}},
}

// Allows reports whether a relation of this spec may go from kind from to kind to. PART_OF
// additionally requires both ends to be of the same kind.
func (s RelationSpec) Allows(from, to Kind) bool {
	return containsKind(s.From, from) && containsKind(s.To, to)
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
