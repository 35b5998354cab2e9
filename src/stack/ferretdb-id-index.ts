import { Client } from 'pg';

/** The event trigger (and its function) that gives each new FerretDB table its `_id` index. */
export const ID_INDEX_TRIGGER = 'hookflow_ferretdb_id_index';

/**
 * FerretDB v1's own tables hold one JSONB document per row in `_jsonb`; `_ferretdb_*` tables are
 * its metadata. A table of documents is one with that column and another name.
 */
const DOCUMENT_TABLES = `
  SELECT c.oid::regclass AS id
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
  WHERE c.relkind = 'r' AND a.attname = '_jsonb' AND NOT a.attisdropped AND c.relname NOT LIKE '\\_ferretdb\\_%'`;

/** How PostgreSQL spells the index's definition (`pg_indexes.indexdef`), as a regular expression literal. */
export const ID_INDEX_DEF = `'USING gin \\(+_jsonb -> ''_id''::text\\)+$'`;

/** The function that gives one table (a regclass) the index if it has none; true when it made it. */
const INDEX_TABLE = `${ID_INDEX_TRIGGER}_of`;

/**
 * Install, in FerretDB's PostgreSQL database, an index that lets PostgreSQL find a document by
 * `_id` the way FerretDB v1 asks for it, on every collection's table, now and as FerretDB
 * creates them. Idempotent: run on every start of the embedded PostgreSQL.
 *
 * Why: FerretDB v1 pushes a filter down as `_jsonb->$1 @> $2` (containment), for `_id` too, and
 * the unique index it creates is a B-tree on `_jsonb->'_id'`, which serves `=` but not `@>`. So
 * every `find`, `updateOne` and `deleteOne`, even by `_id`, read the whole collection: measured
 * at 20 000 stored events, 19 ms per `findOne({_id})` and per guarded `updateOne` (issue #10). A
 * GIN index on the same expression serves `@>` (its plans bind the key, so they match it): 1.5
 * and 2.5 ms at 20 000. The index is PostgreSQL's alone: FerretDB lists and drops only the
 * indexes in its own metadata, and dropping a collection drops its table with the index.
 *
 * New tables get it from an event trigger, at the end of FerretDB's CREATE TABLE, inside the
 * same transaction; tables made before the trigger existed (a cluster from an older hookflow)
 * are indexed here. With real MongoDB, or FerretDB on SQLite, nothing of this runs.
 */
export async function installFerretdbIdIndex(databaseUrl: string): Promise<{ indexed: number }> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`
      CREATE OR REPLACE FUNCTION ${INDEX_TABLE}(t regclass) RETURNS boolean LANGUAGE plpgsql AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_indexes i WHERE format('%I.%I', i.schemaname, i.tablename)::regclass = t AND i.indexdef ~ ${ID_INDEX_DEF}) THEN
          RETURN false;
        END IF;
        EXECUTE format('CREATE INDEX ON %s USING gin ((_jsonb -> %L))', t, '_id');
        RETURN true;
      END
      $fn$`);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${ID_INDEX_TRIGGER}() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM ${INDEX_TABLE}(d.id) FROM (${DOCUMENT_TABLES}) d
        WHERE d.id IN (SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE');
      END
      $fn$`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_event_trigger WHERE evtname = $1', [ID_INDEX_TRIGGER]);
    if (!rowCount) {
      await client.query(`CREATE EVENT TRIGGER ${ID_INDEX_TRIGGER} ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION ${ID_INDEX_TRIGGER}()`);
    }
    // Tables made before the trigger existed.
    const { rows } = await client.query<{ indexed: number }>(`SELECT count(*) FILTER (WHERE ${INDEX_TABLE}(d.id))::int AS indexed FROM (${DOCUMENT_TABLES}) d`);
    return { indexed: rows[0]?.indexed ?? 0 };
  } finally {
    await client.end().catch(() => undefined);
  }
}
