package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/migrate"

	"github.com/herald-indexer/herald/migrations"
)

// migrateLockKey is the PostgreSQL advisory lock that serialises migrations
// across processes: several `herald serve` replicas may start at once.
const migrateLockKey = 0x68657261 // "hera"

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Name    string
	Applied bool
}

func (s *Store) migrator() (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrations.Files()); err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return migrate.NewMigrator(s.db, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// withMigrationLock runs fn while holding the migration advisory lock on a
// dedicated connection. bun's own Lock fails at once when another process
// holds it; waiting is what a second process starting alongside wants.
func (s *Store) withMigrationLock(ctx context.Context, fn func(*migrate.Migrator) error) error {
	m, err := s.migrator()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: take lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even when ctx was canceled.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrateLockKey)
	}()
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("migrate: init: %w", err)
	}
	return fn(m)
}

// MigrateUp applies every pending migration and returns their names.
func (s *Store) MigrateUp(ctx context.Context) (applied []string, err error) {
	err = s.withMigrationLock(ctx, func(m *migrate.Migrator) error {
		group, err := m.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		for _, mg := range group.Migrations {
			applied = append(applied, migrationName(mg))
		}
		return nil
	})
	return applied, err
}

// MigrateDown rolls back the last applied group of migrations.
func (s *Store) MigrateDown(ctx context.Context) (rolledBack []string, err error) {
	err = s.withMigrationLock(ctx, func(m *migrate.Migrator) error {
		group, err := m.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		for _, mg := range group.Migrations {
			rolledBack = append(rolledBack, migrationName(mg))
		}
		return nil
	})
	return rolledBack, err
}

// MigrationStatus lists every known migration in order.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	var out []MigrationStatus
	err := s.withMigrationLock(ctx, func(m *migrate.Migrator) error {
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		for _, mg := range ms {
			out = append(out, MigrationStatus{Name: migrationName(mg), Applied: mg.IsApplied()})
		}
		return nil
	})
	return out, err
}

// PendingMigrations lists the known migrations the database lacks, reading
// only: a streaming replica cannot take the migration lock or create
// bun's table, but it can say whether its primary migrated.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) {
	m, err := s.migrator()
	if err != nil {
		return nil, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	var pending []string
	for _, mg := range ms {
		if !mg.IsApplied() {
			pending = append(pending, migrationName(mg))
		}
	}
	return pending, nil
}

// migrationName is a migration's file name without its suffix.
func migrationName(m migrate.Migration) string { return m.Name + "_" + m.Comment }
