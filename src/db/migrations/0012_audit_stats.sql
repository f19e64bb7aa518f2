-- Project activity per day (GET /api/admin/projects/{projectId}/stats) reads the audit log of one project
-- over a time range. This index holds every column that query reads, so it is answered from the index
-- alone (no table lookups), a range scan of (project_id, created_at) whatever else the project logged.
CREATE INDEX audit_project_stats ON audit_log (project_id, created_at, type, outcome, actor_type, actor_id);
