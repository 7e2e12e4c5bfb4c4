package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// readmeAddress is the address the README's steps serve on and talk to; the test serves on a
// free port and puts its address in their place.
const readmeAddress = "http://127.0.0.1:8080"

// readmeSteps returns the commands of the README's "Adding data" section: its first sh block,
// comments dropped and continued lines joined.
func readmeSteps(t *testing.T) []string {
	t.Helper()
	md, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(md), "\n## Adding data\n")
	if !ok {
		t.Fatal(`README.md has no "## Adding data" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatal(`README.md's "Adding data" has no sh block`)
	}
	block, _, _ = strings.Cut(block, "```")
	var steps []string
	cont := false
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		joined := strings.TrimSuffix(line, "\\")
		if cont {
			steps[len(steps)-1] += " " + strings.TrimSpace(joined)
		} else {
			steps = append(steps, strings.TrimSpace(joined))
		}
		cont = joined != line
	}
	return steps
}

// TestAddingDataWalkthrough follows the README's "Adding data" steps as a new user would, with
// the real binary (built here, as `make run` builds it) on the embedded store and one of our own
// test releases (a later plenary of the built-in one's committee): serve, draft against the server,
// dry run, import. Then it checks over HTTP that the new meeting is connected to the built-in
// people and dialogue, that no entity of the draft has a possible duplicate left, that every name,
// alias, value and citation the graph held before is still there and every entity shows the name
// it showed, and that importing again changes nothing. A step of the README this test does not know fails it, so the README and this
// test stay one.
func TestAddingDataWalkthrough(t *testing.T) {
	steps := readmeSteps(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "diplograph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	release, err := os.ReadFile(filepath.Join("..", "..", "internal", "draft", "testdata", "esc-15th-plenary.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "release.txt"), release, 0o644); err != nil {
		t.Fatal(err)
	}
	// A new user's environment: none of this machine's diplograph or Neo4j settings.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "DIPLOGRAPH_") || strings.HasPrefix(kv, "NEO4J_")
	})
	var base string
	var before cytoscape
	var drafted, dryRun, imported string
	for _, step := range steps {
		words := strings.Fields(step)
		switch {
		case strings.HasSuffix(step, " make run") || step == "make run":
			// make run builds bin/diplograph and runs `bin/diplograph serve`; the address is a free
			// port instead of 8080, and the log is JSON so that the test can read it.
			vars := append(slices.Clone(env), words[:len(words)-2]...)
			vars = append(vars, "DIPLOGRAPH_ADDR=127.0.0.1:0", "DIPLOGRAPH_LOG_FORMAT=json")
			base = serveBinary(t, bin, dir, vars)
			before = exportGraph(t, base)
		case words[0] == "export" && len(words) == 2 && strings.Contains(words[1], "="):
			env = append(env, words[1])
		case words[0] == "bin/diplograph" && base != "":
			cmd := exec.Command("bash", "-c", strings.ReplaceAll(step, readmeAddress, base))
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", step, err, out)
			}
			switch {
			case words[1] == "draft":
				drafted = string(out)
			case slices.Contains(words, "--dry-run"):
				dryRun = string(out)
			case words[1] == "import":
				imported = string(out)
			}
		default:
			t.Fatalf("README's Adding data has a step this test does not know (or one before the server runs): %q", step)
		}
	}
	if !strings.Contains(drafted, "matched against the server at "+base) || !strings.Contains(drafted, `matched: "Kenneth Salazar" (person:ken-salazar)`) {
		t.Errorf("the draft step's review does not say it matched against the server, Kenneth Salazar to Ken Salazar:\n%s", drafted)
	}
	if !strings.HasPrefix(dryRun, "dry run against the server at "+base+", nothing written: would create ") || strings.Contains(dryRun, "possible duplicate") {
		t.Errorf("the dry run's report = %s, want what it would create and no possible duplicate", dryRun)
	}
	if !strings.HasPrefix(imported, "imported into the server at "+base+": ") || strings.HasPrefix(imported, "imported into the server at "+base+": 0 created") {
		t.Errorf("the import's report = %s, want what it created", imported)
	}

	data, err := os.ReadFile(filepath.Join(dir, "draft.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := kg.ParseBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	// The new meeting: attended by built-in people, a session of the built-in committee.
	meeting := ""
	for _, e := range b.Entities {
		if e.Kind == kg.KindMeeting && before.node(e.ID) == nil {
			meeting = e.ID
		}
	}
	var m struct {
		Entity struct {
			Dialogue    struct{ ID string }
			Attendances []struct{ Person struct{ ID string } }
		}
	}
	graphqlGet(t, base, fmt.Sprintf(`{ entity(id: %q) { ... on Meeting { dialogue { id } attendances { person { id } } } } }`, meeting), &m)
	var attendees []string
	for _, a := range m.Entity.Attendances {
		attendees = append(attendees, a.Person.ID)
	}
	for _, p := range []string{"person:rachel-poynter", "person:ken-salazar", "person:roberto-velasco"} {
		if !slices.Contains(attendees, p) || before.node(p) == nil {
			t.Errorf("the new meeting %s's attendees %v lack the built-in %s", meeting, attendees, p)
		}
	}
	if d := m.Entity.Dialogue.ID; d != "dialogue:21st-century-border-management-executive-steering-committee" {
		t.Errorf("the new meeting %q is a session of %q, want the built-in committee", meeting, d)
	}

	// Nothing duplicated: no entity of the draft resembles another stored entity.
	for from := 0; from < len(b.Entities); from += 20 { // a query selects at most 20 root fields
		var q strings.Builder
		q.WriteString("{")
		for i := from; i < min(from+20, len(b.Entities)); i++ {
			fmt.Fprintf(&q, " d%d: possibleDuplicates(id: %q) { id reason }", i, b.Entities[i].ID)
		}
		q.WriteString(" }")
		var dups map[string][]struct{ ID, Reason string }
		graphqlGet(t, base, q.String(), &dups)
		for i := from; i < min(from+20, len(b.Entities)); i++ {
			if d := dups[fmt.Sprintf("d%d", i)]; len(d) > 0 {
				t.Errorf("%s %q has possible duplicates after the import: %+v", b.Entities[i].ID, b.Entities[i].Name, d)
			}
		}
	}

	// Nothing lost: every value and citation of every entity and relation stored before.
	after := exportGraph(t, base)
	lost := 0
	for _, n := range before.Elements.Nodes {
		a := after.node(n.Data.ID)
		if a == nil {
			t.Errorf("entity %s is gone", n.Data.ID)
			continue
		}
		values := map[string]any{kg.FieldName: n.Data.Label}
		for _, al := range n.Data.Aliases {
			values[kg.AliasField(al)] = al
		}
		for k, v := range n.Data.Properties {
			values[kg.PropertyField(k)] = v
		}
		lost += a.lacks(t, n.Data.ID, values, n.Data.Citations)
		// The draft joins a stored entity under its stored name (the release's, if other, an
		// alias), so what the graph showed it still shows.
		if a.Label != n.Data.Label {
			t.Errorf("%s is shown as %q after the import, was %q", n.Data.ID, a.Label, n.Data.Label)
		}
	}
	for _, r := range before.Elements.Edges {
		a := after.edge(r.Data.Type, r.Data.Source, r.Data.Target)
		name := r.Data.Type + " " + r.Data.Source + " -> " + r.Data.Target
		if a == nil {
			t.Errorf("relation %s is gone", name)
			continue
		}
		values := map[string]any{}
		for k, v := range r.Data.Properties {
			values[kg.PropertyField(k)] = v
		}
		lost += a.lacks(t, name, values, r.Data.Citations)
	}
	t.Logf("before: %d entities, %d relations; after: %d, %d; values or citations lost: %d",
		len(before.Elements.Nodes), len(before.Elements.Edges), len(after.Elements.Nodes), len(after.Elements.Edges), lost)

	// Importing the same draft again changes nothing.
	again := exec.Command(bin, "import", "--server", base, "draft.json")
	again.Dir, again.Env = dir, env
	if out, err := again.CombinedOutput(); err != nil || !strings.Contains(string(out), ": 0 created, 0 updated") {
		t.Errorf("importing the draft again: %v, %s; want 0 created, 0 updated", err, out)
	}
}

// serveBinary starts bin serve in dir with the environment vars, stops it when the test ends, and
// returns its base URL once it serves.
func serveBinary(t *testing.T, bin, dir string, vars []string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Dir, cmd.Env = dir, vars
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	serving := regexp.MustCompile(`"graphql":"(http://[^"]+)/graphql"`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(hangGuard):
		t.Fatalf("%s serve did not start serving within %s", bin, hangGuard)
	}
	return ""
}

// graphqlGet runs a query (no key: reads are open) and decodes its data into data.
func graphqlGet(t *testing.T, base, query string, data any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/graphql", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	q.Set("query", query)
	req.URL.RawQuery = q.Encode()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("%s: %v %v", query, err, out.Errors)
	}
	if err := json.Unmarshal(out.Data, data); err != nil {
		t.Fatal(err)
	}
}

// cytoscape is the whole graph as /export?format=json serves it: every entity and relation with
// its values, citations and claims.
type cytoscape struct {
	Elements struct {
		Nodes []struct{ Data cyItem }
		Edges []struct{ Data cyItem }
	}
}

type cyItem struct {
	ID, Label, Type, Source, Target string
	Aliases                         []string
	Properties                      map[string]any
	Citations                       []kg.Citation
	Claims                          []kg.Claim
}

func exportGraph(t *testing.T, base string) cytoscape {
	t.Helper()
	res, err := http.Get(base + "/export?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /export: %v %s", err, res.Status)
	}
	var g cytoscape
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *cytoscape) node(id string) *cyItem {
	for i := range g.Elements.Nodes {
		if g.Elements.Nodes[i].Data.ID == id {
			return &g.Elements.Nodes[i].Data
		}
	}
	return nil
}

func (g *cytoscape) edge(typ, from, to string) *cyItem {
	for i := range g.Elements.Edges {
		if d := &g.Elements.Edges[i].Data; d.Type == typ && d.Source == from && d.Target == to {
			return d
		}
	}
	return nil
}

// lacks reports, and counts, the values (field -> value) and citations of item name that a no
// longer holds: a value counts as held when a shows it (its name, an alias, a property) or keeps
// it as a claim (a value another source's outranks).
func (a *cyItem) lacks(t *testing.T, name string, values map[string]any, citations []kg.Citation) int {
	t.Helper()
	n := 0
	for field, v := range values {
		held := slices.ContainsFunc(a.Claims, func(c kg.Claim) bool { return c.Field == field && reflect.DeepEqual(c.Value, v) })
		switch k, isProp := kg.PropertyOfField(field); {
		case field == kg.FieldName:
			held = held || a.Label == v || slices.Contains(a.Aliases, v.(string))
		case isProp:
			held = held || reflect.DeepEqual(a.Properties[k], v)
		default: // an alias
			held = held || slices.Contains(a.Aliases, v.(string)) || a.Label == v
		}
		if !held {
			n++
			t.Errorf("%s lost its %s %v", name, field, v)
		}
	}
	for _, c := range citations {
		if !slices.ContainsFunc(a.Citations, c.Equal) {
			n++
			t.Errorf("%s lost its citation %+v", name, c)
		}
	}
	return n
}
