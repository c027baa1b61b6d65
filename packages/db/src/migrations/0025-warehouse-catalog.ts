import { type Kysely, type Migration, sql } from 'kysely'

/**
 * What deploy knows of the warehouse, readable without the user's code (the web, the observer,
 * other workers): the connections by name and kind (never a secret: a PostgreSQL connection keeps
 * the NAME of the environment variable holding its URL), the tables each product publishes with
 * their checks, and which tables each step reads and writes. Deploy rewrites all three in its
 * transaction; rows of tables gone from code are deleted (their observations, keyed by table
 * name, stay).
 */
export const warehouseCatalog: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table warehouse_connections (
        name text primary key,
        kind text not null check (kind in ('duckdb', 'postgres')),
        -- { file? } for DuckDB, { urlEnv } for PostgreSQL, and hourUsd when set: names, not secrets.
        settings jsonb not null default '{}',
        updated_at timestamptz not null default now()
      )`.execute(db)
    await sql`
      create table published_tables (
        name text primary key,
        product_id text not null,
        connection text not null,
        timestamp_column text,
        partition_column text,
        personal text[] not null default '{}',
        -- TableCheck[] as declared (@steward/pipelines), severity filled in.
        checks jsonb not null default '[]',
        source_file text,
        updated_at timestamptz not null default now()
      )`.execute(db)
    await sql`create index published_tables_product_idx on published_tables (product_id)`.execute(db)
    await sql`
      create table step_tables (
        pipeline_id text not null,
        step_id text not null,
        access text not null check (access in ('read', 'write')),
        table_name text not null,
        primary key (pipeline_id, step_id, access, table_name)
      )`.execute(db)
    await sql`create index step_tables_table_idx on step_tables (table_name, access)`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists step_tables`.execute(db)
    await sql`drop table if exists published_tables`.execute(db)
    await sql`drop table if exists warehouse_connections`.execute(db)
  },
}
