-- Indexes for the retention rules added with second factors and webhooks (src/scheduled.ts), so
-- each bounded delete finds its rows without scanning the table.
CREATE INDEX IF NOT EXISTS webhook_deliveries_delivered ON webhook_deliveries (delivered_at) WHERE status = 'delivered';
CREATE INDEX IF NOT EXISTS webhook_events_created ON webhook_events (created_at);
