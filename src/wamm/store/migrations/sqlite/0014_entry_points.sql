-- wamm schema v14 (branch entry): free entry point windows. A user's message with a `referral`
-- (click-to-WhatsApp ad, Page button) records when it came; the business's first answer within
-- 24 hours records when the 72-hour free window it opens started. Both NULL: no entry.
ALTER TABLE windows ADD COLUMN referral_at REAL;
ALTER TABLE windows ADD COLUMN entry_opened_at REAL;
