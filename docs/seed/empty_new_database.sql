-- Empty the new deployment's database before pg_restore of a seed (MLflow 1.27) dump.
--
-- The new pod's db-migrate created MLflow 3.17's schema in the empty database; the dump brings
-- its own tables, so these go first. Run it as the database user MLflow connects as (it owns
-- every table db-migrate created, through the owner role it is a member of: docs/enterprise.md,
-- "No database password"), through the port-forwarded Auth Proxy:
--   psql "host=127.0.0.1 port=15432 dbname=mlflow user=mlflow" -v ON_ERROR_STOP=1 \
--     -f docs/seed/empty_new_database.sql
-- It refuses, and drops nothing, when the database already holds MLflow data: more than the
-- Default experiment, or any run, registered model, logged model or trace.
DO $$
DECLARE
  t text;
BEGIN
  IF to_regclass('experiments') IS NOT NULL AND (
       (SELECT count(*) FROM experiments) > 1
       OR (SELECT count(*) FROM runs) > 0
       OR (SELECT count(*) FROM registered_models) > 0
       OR (SELECT count(*) FROM logged_models) > 0
       OR (SELECT count(*) FROM trace_info) > 0
     ) THEN
    RAISE EXCEPTION 'database % already holds MLflow data: nothing dropped', current_database();
  END IF;
  FOR t IN
    SELECT tablename FROM pg_tables
    WHERE schemaname = current_schema() AND pg_has_role(current_user, tableowner, 'USAGE')
  LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t);
  END LOOP;
END
$$;
