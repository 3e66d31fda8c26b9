-- wamm schema v6: a status webhook row names its message (message_seq) and the event
-- (event_index) instead of storing the payload, which is built from the message when it is
-- delivered: the send path writes far fewer bytes.
ALTER TABLE outbox ADD COLUMN event_index INTEGER;
