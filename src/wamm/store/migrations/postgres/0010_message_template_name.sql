-- wamm schema v10 for PostgreSQL: the template a message was sent with, as a column, so that the
-- message list's template filter walks an index (newest first) instead of reading documents.
ALTER TABLE messages ADD COLUMN template_name TEXT;
UPDATE messages SET template_name = convert_from(data, 'UTF8')::jsonb ->> 'template_name';
CREATE INDEX messages_by_template ON messages (template_name, seq) WHERE template_name IS NOT NULL;
-- Template analytics read one WABA's messages of the asked templates over a range of days.
CREATE INDEX messages_by_waba_template ON messages (waba_id, template_name, created_at);
