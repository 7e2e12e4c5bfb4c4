package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/diplograph/diplograph/internal/memstore"
)

// runBackup copies the embedded store's data (its write-ahead log up to the last acknowledged
// write) into FILE; the server may be running. Neo4j is backed up with neo4j-admin (see
// docs/embedded-store.md).
func runBackup(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dir, file, err := backupArgs("backup", args, getenv, stderr)
	if err != nil {
		return err
	}
	info, err := memstore.Backup(dir, file)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "backed up %s to %s: %d transactions, %d bytes\n", dir, file, info.Tx, info.Bytes)
	return err
}

// runRestore puts a backup FILE into a data directory that holds no data.
func runRestore(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dir, file, err := backupArgs("restore", args, getenv, stderr)
	if err != nil {
		return err
	}
	info, err := memstore.Restore(dir, file)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "restored %s into %s: %d transactions, %d bytes; start diplograph with --data-dir %s\n", file, dir, info.Tx, info.Bytes, dir)
	return err
}

// backupArgs reads `backup|restore [--data-dir DIR] FILE`.
func backupArgs(cmd string, args []string, getenv func(string) string, stderr io.Writer) (dir, file string, err error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv, "DIPLOGRAPH_DATA_DIR")
	if err := fs.Parse(args); err != nil {
		return "", "", errUsage
	}
	if err := cfg.check(); err != nil {
		return "", "", err
	}
	dir = cfg.DataDir
	if fs.NArg() != 1 {
		return "", "", fmt.Errorf("%s takes one backup FILE", cmd)
	}
	if dir == "" {
		return "", "", fmt.Errorf("%s needs the data directory: --data-dir or DIPLOGRAPH_DATA_DIR (Neo4j: see neo4j-admin database dump in docs/embedded-store.md)", cmd)
	}
	return dir, fs.Arg(0), nil
}
