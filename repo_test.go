package diplograph_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// maxFileBytes is the size above which a committed file must be on largeFiles (web/dist aside:
// the built explorer is committed and embedded, and its bundles are large by nature).
const maxFileBytes = 1 << 20

// largeFiles lists the committed files allowed to exceed maxFileBytes, each with why. The list is
// part of the tree, so the check gives the same answer on every clone; growing it is a reviewed
// change.
var largeFiles = map[string]string{}

// trackedFiles returns the paths git tracks in this repository. The check reads the index rather
// than walking the directory, so that ignored build output (bin/, node_modules/) is not judged.
func trackedFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v (the repository checks need a git checkout)", err)
	}
	var paths []string
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		t.Fatal("git ls-files listed no files")
	}
	return paths
}

// TestNoCommittedExecutables fails on any tracked file that is a compiled program: ELF, Mach-O
// (thin or universal) or PE. Binaries are built by `make build` into bin/, which is ignored.
func TestNoCommittedExecutables(t *testing.T) {
	for _, p := range trackedFiles(t) {
		head, err := readHead(p, 512)
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		if kind := executableKind(head); kind != "" {
			t.Errorf("%s is a committed %s executable: remove it (git rm --cached) and build into bin/", p, kind)
		}
	}
}

// TestNoLargeFiles fails on any tracked file over 1 MiB outside web/dist that largeFiles does not
// list.
func TestNoLargeFiles(t *testing.T) {
	for _, p := range trackedFiles(t) {
		if strings.HasPrefix(p, "web/dist/") {
			continue
		}
		fi, err := os.Lstat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > maxFileBytes && largeFiles[p] == "" {
			t.Errorf("%s is %d bytes, over the %d-byte limit for committed files: keep it out of git, "+
				"or add it to largeFiles in repo_test.go with the reason", p, fi.Size(), maxFileBytes)
		}
	}
}

// readHead returns up to n bytes from the start of the file at path.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	got, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:got], err
}

// executableKind names the executable format whose magic number head starts with, or returns ""
// when it has none. A PE file is recognised by its "MZ" stub and the "PE\0\0" signature the stub
// points to, so that a text file that happens to start with "MZ" is not taken for one.
func executableKind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "ELF"
	case bytes.HasPrefix(head, []byte{0xfe, 0xed, 0xfa, 0xce}), bytes.HasPrefix(head, []byte{0xce, 0xfa, 0xed, 0xfe}),
		bytes.HasPrefix(head, []byte{0xfe, 0xed, 0xfa, 0xcf}), bytes.HasPrefix(head, []byte{0xcf, 0xfa, 0xed, 0xfe}),
		bytes.HasPrefix(head, []byte{0xca, 0xfe, 0xba, 0xbe}):
		return "Mach-O"
	case bytes.HasPrefix(head, []byte("MZ")) && len(head) >= 0x40:
		off := int(binary.LittleEndian.Uint32(head[0x3c:0x40]))
		if off+4 <= len(head) && bytes.Equal(head[off:off+4], []byte("PE\x00\x00")) {
			return "PE"
		}
	}
	return ""
}

func TestExecutableKind(t *testing.T) {
	pe := make([]byte, 0x90)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	cases := []struct {
		name string
		head []byte
		want string
	}{
		{"elf", []byte("\x7fELF\x02\x01\x01"), "ELF"},
		{"mach-o 64 little-endian", []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}, "Mach-O"},
		{"mach-o universal", []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2}, "Mach-O"},
		{"pe", pe, "PE"},
		{"text starting with MZ", []byte(strings.Repeat("MZ is a text line, not a program. ", 4)), ""},
		{"go source", []byte("package main\n"), ""},
		{"png", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"empty", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := executableKind(tc.head); got != tc.want {
				t.Errorf("executableKind(%q) = %q, want %q", tc.head, got, tc.want)
			}
		})
	}
}
