package main

import (
	"log/slog"

	"github.com/diplograph/diplograph/internal/memstore"
)

// openDataDir opens the embedded store in dir and logs, as a warning, what the opening dropped
// from the end of its log (a write a crash cut short, which was never acknowledged).
func openDataDir(dir string, log *slog.Logger) (*memstore.Store, error) {
	s, err := memstore.Open(dir)
	if err != nil {
		return nil, err
	}
	if r := s.Recovered(); r != nil && log != nil {
		log.Warn("the write-ahead log ended in a write that a crash cut short (never acknowledged): dropped it",
			slog.Int64("bytes", r.Bytes), slog.Int64("at_byte", r.At), slog.String("copy", r.SavedTo), slog.String("data_dir", dir))
	}
	return s, nil
}
