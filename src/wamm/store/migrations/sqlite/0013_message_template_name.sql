-- wamm schema v13: the template a message was sent with, as a column, so that the message list's
-- template filter walks an index (newest first) and template analytics read only the asked
-- templates' messages, instead of reading every stored document.
ALTER TABLE messages ADD COLUMN template_name TEXT;
UPDATE messages SET template_name = json_extract(CAST(data AS TEXT), '$.template_name');
CREATE INDEX messages_by_template ON messages (template_name, seq) WHERE template_name IS NOT NULL;
-- Template analytics read one WABA's messages of the asked templates over a range of days.
CREATE INDEX messages_by_waba_template ON messages (waba_id, template_name, created_at);
