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

// RelationSpec declares a relation type: which kinds it connects, what it means and the
// properties it carries. RelationSpecs is the one declaration of the graph's relation types:
// validation, the API's relationTypes and docs/relation-types.md all read it.
type RelationSpec struct {
	From []Kind
	To   []Kind
	// SameKind requires both ends to be of the same kind (PART_OF: an organization is part of an
	// organization, never of a dialogue).
	SameKind    bool
	Description string
	// Properties are the properties that mean something on this type, beyond
	// CommonRelationProperties, which every relation may carry.
	Properties []PropertySpec
}

// PropertySpec declares a property: its name, the type of its values, whether it is required and
// what it means. Its Type says how a value is checked (PropertyTypes).
type PropertySpec struct {
	Name        string
	Type        string
	Required    bool
	Description string
}

// Property value types (PropertySpec.Type).
const (
	TypeString      = "String"         // a non-empty string
	TypeBoolean     = "Boolean"        // true or false
	TypeDate        = "Date"           // ISO 8601, possibly partial: "2022", "2022-07", "2022-12-01"
	TypeCountryCode = "CountryCode"    // ISO 3166-1 alpha-2, upper case: "MX"
	TypeRole        = "AttendanceRole" // one of AttendanceRoles
)

// CommonRelationProperties are the properties any relation may carry: dates, at the precision
// the source gives them.
var CommonRelationProperties = []PropertySpec{
	{Name: PropDate, Type: TypeDate, Description: "When the relation held or happened."},
	{Name: PropStart, Type: TypeDate, Description: "When it began."},
	{Name: PropEnd, Type: TypeDate, Description: "When it ended; not before start."},
	{Name: PropEstablished, Type: TypeDate, Description: "When it was established."},
}

var meetingToInitiative = func(desc string) RelationSpec {
	return RelationSpec{From: []Kind{KindMeeting}, To: []Kind{KindInitiative}, Description: desc}
}

// delegationProp is the country a person or organization was at a meeting for.
var delegationProp = PropertySpec{Name: PropDelegation, Type: TypeCountryCode,
	Description: "The country whose delegation it was part of (ISO 3166-1 alpha-2 code)."}

// RelationSpecs lists every relation type the graph knows, with the kinds it connects.
var RelationSpecs = map[string]RelationSpec{
	RelHoldsPosition: {From: []Kind{KindPerson}, To: []Kind{KindOrganization},
		Description: "The person holds a position in the organization. Search finds the person by the title.",
		Properties: []PropertySpec{
			{Name: PropTitle, Type: TypeString, Required: true, Description: "The title as the source writes it, without the organization."},
			{Name: PropActing, Type: TypeBoolean, Description: "True when the source says the person acts in the position."},
			{Name: PropStart, Type: TypeDate, Description: "When the person took the position."},
			{Name: PropEnd, Type: TypeDate, Description: "When the person left it."},
		}},
	RelAttended: {From: []Kind{KindPerson}, To: []Kind{KindMeeting},
		Description: "The person took part in the meeting.",
		Properties: []PropertySpec{
			{Name: PropRole, Type: TypeRole, Required: true, Description: "LEAD (led a delegation or the meeting), MEMBER (of a delegation) or PARTICIPANT."},
			delegationProp,
		}},
	RelRepresentedAt: {From: []Kind{KindOrganization}, To: []Kind{KindMeeting},
		Description: "The organization was represented at the meeting (its people were in a delegation).",
		Properties:  []PropertySpec{delegationProp}},
	RelPartOf: {From: []Kind{KindOrganization, KindDialogue, KindInitiative}, To: []Kind{KindOrganization, KindDialogue, KindInitiative},
		SameKind:    true,
		Description: "The entity is part of another of its kind: a bureau of a department, a working group of a dialogue, a project of a program."},
	RelSessionOf: {From: []Kind{KindMeeting}, To: []Kind{KindDialogue},
		Description: "The meeting is a session of the dialogue (a plenary, a ministerial)."},
	RelHeldIn: {From: []Kind{KindMeeting}, To: []Kind{KindPlace},
		Description: "The meeting took place in the place."},
	RelLocatedIn: {From: []Kind{KindPlace}, To: []Kind{KindCountry},
		Description: "The place is in the country."},
	RelBelongsTo: {From: []Kind{KindOrganization}, To: []Kind{KindCountry},
		Description: "The organization is a body of the country (its government, a ministry, an agency, an embassy)."},
	RelAdopted:   meetingToInitiative("The meeting adopted the initiative (a plan, an agreement, a framework)."),
	RelAffirmed:  meetingToInitiative("The meeting affirmed its commitment to the initiative."),
	RelReviewed:  meetingToInitiative("The meeting reviewed the initiative's progress."),
	RelAdvanced:  meetingToInitiative("The meeting advanced the initiative (took it a step further)."),
	RelApplauded: meetingToInitiative("The meeting applauded or welcomed the initiative."),
	RelSupports:  {From: []Kind{KindInitiative}, To: []Kind{KindDialogue}, Description: "The initiative serves the dialogue's aims."},
	RelPartyTo:   {From: []Kind{KindCountry}, To: []Kind{KindDialogue}, Description: "The country takes part in the dialogue."},
	RelAddresses: {From: []Kind{KindDialogue, KindInitiative, KindMeeting}, To: []Kind{KindTopic}, Description: "The dialogue, initiative or meeting deals with the topic."},
}

// Allows reports whether a relation of this spec may go from kind from to kind to.
func (s RelationSpec) Allows(from, to Kind) bool {
	return containsKind(s.From, from) && containsKind(s.To, to) && (!s.SameKind || from == to)
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
