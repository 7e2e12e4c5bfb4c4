// Package diplograph_test checks the deployment files at the root of the repository (Dockerfile,
// docker-compose.yml) without a container engine: the Dockerfile's build command, run here, must
// give a static binary that runs on any Linux, and the compose file must wire the two services
// together the way the README says.
package diplograph_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// instruction is one Dockerfile instruction: its keyword and the rest of its line.
type instruction struct{ cmd, args string }

// readDockerfile returns the instructions of ./Dockerfile, continuation lines joined and comments
// dropped.
func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cur += line
		if strings.HasSuffix(cur, "\\") {
			cur = strings.TrimSuffix(cur, "\\") + " "
			continue
		}
		cmd, args, _ := strings.Cut(cur, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

// shellWords splits a shell command line into words, removing double quotes; enough for the
// Dockerfile's build command, which uses no other shell syntax.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inQuote, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, inWord = !inQuote, true
		case r == ' ' && !inQuote:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestDockerfileBuildsStaticBinary runs the Dockerfile's `go build` (same environment and flags,
// a different output path) and checks that the binary is static, so it runs on distroless/static
// with no C library, and that it runs.
func TestDockerfileBuildsStaticBinary(t *testing.T) {
	ins := readDockerfile(t)
	var froms []string
	var build string
	args := map[string]string{}
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			froms = append(froms, in.args)
		case "ARG":
			if k, v, ok := strings.Cut(in.args, "="); ok {
				args[k] = v
			}
		case "RUN":
			if strings.Contains(in.args, "go build") {
				build = in.args
			}
		}
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "golang:1.26 ") || !strings.HasPrefix(froms[1], "gcr.io/distroless/static") {
		t.Errorf("Dockerfile stages = %q, want a golang:1.26 build stage and a distroless/static final stage", froms)
	}
	if build == "" {
		t.Fatal("the Dockerfile has no RUN ... go build")
	}
	words := shellWords(os.Expand(build, func(k string) string { return args[k] }))
	var env []string
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env = append(env, words[0])
		words = words[1:]
	}
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("the Dockerfile builds with env %q, want CGO_ENABLED=0", env)
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("the Dockerfile's build command %q does not start with go build", words)
	}
	bin := filepath.Join(t.TempDir(), "diplograph")
	i := slices.Index(words, "-o")
	if i < 0 || i+1 >= len(words) {
		t.Fatalf("the Dockerfile's build command %q has no -o", words)
	}
	words[i+1] = bin

	cmd := exec.Command("go", words[1:]...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(words, " "), err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the binary is not ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader (PT_INTERP): it is not static")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %q (%v), want none", libs, err)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if got, want := strings.TrimSpace(string(out)), "diplograph "+args["VERSION"]; err != nil || got != want {
		t.Errorf("%s version = %q, %v; want %q", bin, got, err, want)
	}
	if fi, err := os.Stat(bin); err == nil {
		t.Logf("static binary: %.1f MB", float64(fi.Size())/1e6)
	}
}

// TestDockerfileRunsAsNonRoot checks the final stage: a numeric non-root user, the port it
// exposes and the address it listens on agree.
func TestDockerfileRunsAsNonRoot(t *testing.T) {
	ins := readDockerfile(t)
	last := 0
	for i, in := range ins {
		if in.cmd == "FROM" {
			last = i
		}
	}
	final := map[string]string{}
	for _, in := range ins[last:] {
		final[in.cmd] += in.args + " "
	}
	user := strings.TrimSpace(final["USER"])
	if user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("the final stage runs as user %q, want a non-root user", user)
	}
	if got := strings.TrimSpace(final["EXPOSE"]); got != "8080" {
		t.Errorf("the final stage exposes %q, want 8080", got)
	}
	if !strings.Contains(final["ENV"], "DIPLOGRAPH_ADDR=0.0.0.0:8080") {
		t.Errorf("the final stage sets %q, want DIPLOGRAPH_ADDR=0.0.0.0:8080 (reachable from outside the container)", final["ENV"])
	}
}

type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// interpolation is compose's ${VAR:-default}, nested defaults included.
var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+):-([^${}]*)\}`)

// interpolate resolves s as compose would with the environment env.
func interpolate(s string, env map[string]string) string {
	for interpolation.MatchString(s) {
		s = interpolation.ReplaceAllStringFunc(s, func(m string) string {
			sub := interpolation.FindStringSubmatch(m)
			if v := env[sub[1]]; v != "" {
				return v
			}
			return sub[2]
		})
	}
	return s
}

// TestCompose checks that docker-compose.yml runs Neo4j 5.26 Community with a persistent volume
// and a health check, and diplograph built from the Dockerfile, started once Neo4j is healthy,
// pointed at it with the password Neo4j was given.
func TestCompose(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	neo, app := c.Services["neo4j"], c.Services["diplograph"]
	if neo.Image != "neo4j:5.26-community" {
		t.Errorf("neo4j image = %q, want neo4j:5.26-community", neo.Image)
	}
	if !slices.Contains(neo.Volumes, "neo4j-data:/data") || !hasKey(c.Volumes, "neo4j-data") {
		t.Errorf("neo4j volumes = %q (declared %v), want the named volume neo4j-data on /data", neo.Volumes, c.Volumes)
	}
	if len(neo.Healthcheck.Test) < 2 || !strings.Contains(neo.Healthcheck.Test[1], "7474") {
		t.Errorf("neo4j healthcheck = %q, want a probe of port 7474", neo.Healthcheck.Test)
	}
	if app.Build != "." {
		t.Errorf("diplograph build = %v, want the Dockerfile at the root (.)", app.Build)
	}
	if got := app.DependsOn["neo4j"].Condition; got != "service_healthy" {
		t.Errorf("diplograph depends_on neo4j condition = %q, want service_healthy", got)
	}
	if got := app.Environment["NEO4J_URI"]; got != "bolt://neo4j:7687" {
		t.Errorf("diplograph NEO4J_URI = %q, want bolt://neo4j:7687", got)
	}
	if !slices.ContainsFunc(app.Ports, func(p string) bool { return strings.HasSuffix(p, ":8080") }) {
		t.Errorf("diplograph ports = %q, want the container's 8080 published", app.Ports)
	}
	// Whatever the operator sets, diplograph gets the password Neo4j was given.
	for _, env := range []map[string]string{{}, {"NEO4J_PASSWORD": "a-long-secret"}} {
		auth := interpolate(neo.Environment["NEO4J_AUTH"], env)
		password := interpolate(app.Environment["NEO4J_PASSWORD"], env)
		user := interpolate(app.Environment["NEO4J_USERNAME"], env)
		if auth != user+"/"+password {
			t.Errorf("with %v: Neo4j gets NEO4J_AUTH=%q but diplograph logs in as %q/%q", env, auth, user, password)
		}
	}
}

// TestComposeNeo4jBounds checks that the Neo4j of docker-compose.yml gets every setting of
// tools/neo4j/bounds.conf, the limits the test Neo4j runs with, with the same value: Neo4j's image
// reads setting a.b_c from NEO4J_a_b__c.
func TestComposeNeo4jBounds(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	bounds, err := os.ReadFile(filepath.Join("tools", "neo4j", "bounds.conf"))
	if err != nil {
		t.Fatal(err)
	}
	env := c.Services["neo4j"].Environment
	n := 0
	for _, line := range strings.Split(string(bounds), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("bounds.conf: %q is not name=value", line)
		}
		n++
		key := "NEO4J_" + strings.ReplaceAll(strings.ReplaceAll(name, "_", "__"), ".", "_")
		if got := env[key]; got != value {
			t.Errorf("docker-compose.yml: neo4j %s = %q, want %q as bounds.conf sets %s", key, got, value, name)
		}
	}
	if n == 0 {
		t.Errorf("bounds.conf sets nothing")
	}
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
