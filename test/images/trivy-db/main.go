// Command trivy-db writes a Trivy vulnerability database (schema 2) from YAML fixtures, the way
// Trivy's own integration tests make theirs: the fixtures are loaded into BoltDB by
// bolt-fixtures and metadata.json is written beside it, so the real trivy can scan offline
// with --skip-db-update --cache-dir <dir>. Trivy's database cannot be downloaded here.
//
//	go run . --cache-dir DIR fixtures/*.yaml
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
)

func main() {
	cacheDir := flag.String("cache-dir", "", "trivy's --cache-dir; the database goes to <cache-dir>/db")
	flag.Parse()
	if *cacheDir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: trivy-db --cache-dir DIR FIXTURE.yaml...")
		os.Exit(2)
	}
	if err := write(filepath.Join(*cacheDir, "db"), flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "trivy-db:", err)
		os.Exit(1)
	}
}

func write(dbDir string, files []string) error {
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return err
	}
	path := db.Path(dbDir)
	// a database is written from scratch: fixtures are the whole truth
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	loader, err := fixtures.New(path, files)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := loader.Load(); err != nil {
		loader.Close()
		return fmt.Errorf("load fixtures: %w", err)
	}
	if err := loader.Close(); err != nil {
		return err
	}
	now := time.Now().UTC()
	return metadata.NewClient(dbDir).Update(metadata.Metadata{
		Version:      db.SchemaVersion,
		NextUpdate:   now.Add(24 * time.Hour),
		UpdatedAt:    now,
		DownloadedAt: now,
	})
}
