-- Delivery reports (DLR): the SMS gateway calls back when the handset got the message or
-- the carrier gave up. A sent message then records what became of it.
ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IN ('delivered', 'failed'));
ALTER TABLE messages ADD COLUMN delivered_at INTEGER;
ALTER TABLE messages ADD COLUMN delivery_error TEXT;
