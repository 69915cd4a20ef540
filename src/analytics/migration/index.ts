export { DEFAULTS, MIGRATION_NEW, MIGRATION_GONE, segmentMigration, migrationTable } from './migration.js';
export type { SegmentAssignment, MigrationOptions, MigrationCell, MigrationResult } from './migration.js';
